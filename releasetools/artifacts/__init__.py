"""What a request makes, and making it: shared by ``validate --build`` and the release job.

The plan of a request's items (which releases, which repositories build
artifacts, the range each one's notes cover), and building and checking
sdists and wheels in an allow-listed environment. The gate before merge and
the job after it build with this one code, so a release that merges is one
the job can build.
"""
