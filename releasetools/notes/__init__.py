"""reno glue shared by review and release: the notes one release adds (``scan``), rendered by reno
(``render``), and the release notes file the release job writes (``release``)."""
