"""Test data builders: the one way the tests, the benchmarks and adopters build release data.

Shipped with the package (no pytest here), so that an adopter can test their own
rules and data the way releasetools tests its own. One module per thing built:

* :mod:`.series`        the series table: the upstream rows, and ``table(*names, **status)``
                        to choose some (every table a test writes is such a choice);
* :mod:`.deliverables`  deliverable files and release entries (:class:`~.deliverables.Release`,
                        one writer, flow or block spelling; ``R``, ``rel``, ``doc``, ``deliverable``);
* :mod:`.datarepo`      a data repository: table, files, git commits, offline validation;
* :mod:`.gitcmd`        git with a fixed identity and dates (reproducible commit ids);
* :mod:`.sources`       source repositories: a nova history with branches, tags and merges;
* :mod:`.pbrproject`    a small real pbr project with a bare remote, and a data repository
                        that releases it (for the release job and ``validate --build``);
* :mod:`.synth`         synthetic data repositories at any scale (the benchmarks).

Import the module you need (``from releasetools.testing.datarepo import DataRepo``):
this package imports none of them, so that ``synth`` stays cheap to import.
"""
