"""init-series: the new first row of the series table, byte for byte, and its directories, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pytest

from releasetools.cli.main import main
from releasetools.core.errors import ReleaseToolsError
from releasetools.data.load import load_series
from releasetools.propose.initseries import InitSeriesOptions, init_series, schedule_skeleton
from releasetools.review.schedule import load_schedule
from releasetools.testing.datarepo import DataRepo
from releasetools.testing.series import table

SAMPLE = Path(__file__).resolve().parents[3] / 'shared' / 'upstream-sample'
ROW = "- name: jojoba\n  release-id: '2027.2'\n  status: future\n  initial-release: 2027-10-06\n"


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(argv), out), out.getvalue()


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    if not (SAMPLE / 'data' / 'series_status.yaml').is_file():
        pytest.skip(f'no upstream sample at {SAMPLE}')
    root = tmp_path / 'sample'
    (root / 'data').mkdir(parents=True)
    shutil.copy(SAMPLE / 'data' / 'series_status.yaml', root / 'data')
    return root


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file under root, by relative path (directories as None)."""
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob('*'))}


def test_the_sample_gets_one_row_in_front_and_no_other_byte_changes(sample: Path) -> None:
    old = (sample / 'data' / 'series_status.yaml').read_bytes()
    code, out = _run('init-series', '--root', str(sample), 'jojoba', '--release-id', '2027.2',
                     '--initial-release', '2027-10-06')
    assert code == 0, out
    assert 'added series jojoba, after indri' in out
    new = (sample / 'data' / 'series_status.yaml').read_bytes()
    assert old.startswith(b'---\n')
    assert new == b'---\n' + ROW.encode() + old[len(b'---\n'):]
    series, findings = load_series(sample)
    assert not findings
    assert series.names[:3] == ('jojoba', 'indri', 'hibiscus')
    row = series.get('jojoba')
    assert row is not None and (row.release_id, row.status, row.initial_release) == ('2027.2', 'future', '2027-10-06')
    assert (sample / 'deliverables' / 'jojoba').is_dir()


def test_the_calendar_skeleton_runs_from_the_week_after_the_previous_release(sample: Path) -> None:
    init_series(InitSeriesOptions(sample, 'jojoba', '2027.2', dt.date(2027, 10, 6)))
    schedule = load_schedule(sample, 'jojoba')
    assert schedule is not None
    # indri is released on Wednesday 2027-03-24: its week is 03-22; jojoba's cycle starts the Monday after.
    assert (schedule.weeks[0].start, schedule.weeks[0].end) == (dt.date(2027, 3, 29), dt.date(2027, 4, 2))
    assert schedule.weeks[-1].start == dt.date(2027, 10, 4) and schedule.weeks[-1].name == 'R+0'
    assert [w.name for w in schedule.weeks] == [f'R-{n}' for n in range(27, 0, -1)] + ['R+0']
    assert all(w.events == () for w in schedule.weeks)


def test_the_skeleton_has_the_sample_calendars_shape() -> None:
    """hibiscus's real calendar: R-25 on 2026-04-06 after gazpacho's 2026-04-01, release week 2026-09-28."""
    text, weeks = schedule_skeleton(dt.date(2026, 9, 30), dt.date(2026, 4, 1))
    assert weeks == 26
    assert "start-week: '2026-04-06'\nrelease-week: '2026-09-28'\n" in text
    assert "  - start: '2026-04-06'\n    end: '2026-04-10'\n    name: R-25\n" in text


@pytest.mark.parametrize(('argv', 'said'), [
    (('hibiscus', '2027.2', '2027-10-06'), "series 'hibiscus' is already there"),
    (('jojoba', '2026.2', '2027-10-06'), "release id 2026.2 is already 'hibiscus'"),
    (('jojoba', '2027.2', '2027-03-24'), 'is not after indri'),
    (('jojoba', '2027.2', '2027-01-01'), 'is not after indri'),
    (('Jojoba', '2027.2', '2027-10-06'), 'is not a series name'),
    (('jojoba', '27.2', '2027-10-06'), 'is not a release id'),
])
def test_refusals_write_nothing(tmp_path: Path, argv: tuple[str, str, str], said: str,
                                capsys: pytest.CaptureFixture[str]) -> None:
    data = DataRepo(tmp_path / 'data', table('indri', 'hibiscus', 'gazpacho'))
    before = _snapshot(data.root)
    name, release_id, day = argv
    code, _ = _run('init-series', '--root', str(data.root), name, '--release-id', release_id,
                   '--initial-release', day)
    assert code == 2
    assert said in capsys.readouterr().err
    assert _snapshot(data.root) == before


def test_an_existing_calendar_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    data = DataRepo(tmp_path / 'data', table('indri', 'hibiscus'))
    (data.root / 'doc' / 'source' / 'jojoba').mkdir(parents=True)
    (data.root / 'doc' / 'source' / 'jojoba' / 'schedule.yaml').write_text('---\n')
    before = _snapshot(data.root)
    with pytest.raises(ReleaseToolsError, match=r'schedule\.yaml already exists'):
        init_series(InitSeriesOptions(data.root, 'jojoba', '2027.2', dt.date(2027, 10, 6)))
    assert _snapshot(data.root) == before


def test_a_failure_while_writing_removes_what_was_written(tmp_path: Path) -> None:
    """doc/source is a file: the calendar cannot be made after the deliverables directory was."""
    data = DataRepo(tmp_path / 'data', table('indri', 'hibiscus'))
    (data.root / 'doc').mkdir()
    (data.root / 'doc' / 'source').write_text('not a directory\n')
    before = _snapshot(data.root)
    with pytest.raises(OSError):
        init_series(InitSeriesOptions(data.root, 'jojoba', '2027.2', dt.date(2027, 10, 6)))
    assert _snapshot(data.root) == before
    assert not (data.root / 'deliverables' / 'jojoba').exists()


def test_a_crlf_table_keeps_its_line_endings(tmp_path: Path) -> None:
    data = DataRepo(tmp_path / 'data', table('indri', 'hibiscus'))
    path = data.root / 'data' / 'series_status.yaml'
    old = path.read_bytes().replace(b'\n', b'\r\n')
    path.write_bytes(old)
    init_series(InitSeriesOptions(data.root, 'jojoba', '2027.2', dt.date(2027, 10, 6)))
    assert path.read_bytes() == ROW.replace('\n', '\r\n').encode() + old


def test_an_indented_table_gets_its_indentation(tmp_path: Path) -> None:
    data = DataRepo(tmp_path / 'data', table('indri', 'hibiscus'))
    path = data.root / 'data' / 'series_status.yaml'
    old = '# the series\n' + ''.join(f'  {line}\n' for line in path.read_text().splitlines())
    path.write_text(old)
    init_series(InitSeriesOptions(data.root, 'jojoba', '2027.2', dt.date(2027, 10, 6)))
    assert path.read_text() == '# the series\n' + ''.join(f'  {line}\n' for line in ROW.splitlines()) + old[13:]
    assert load_series(data.root)[0].names == ('jojoba', 'indri', 'hibiscus')


def test_the_request_is_one_added_row_and_one_new_file_in_git(git_repo: DataRepo) -> None:
    code, _ = _run('init-series', '--root', str(git_repo.root), 'jojoba', '--release-id', '2027.2',
                   '--initial-release', '2027-10-06')
    assert code == 0
    assert git_repo.git('diff', '--name-only').splitlines() == ['data/series_status.yaml']
    assert git_repo.git('ls-files', '--others').splitlines() == ['doc/source/jojoba/schedule.yaml']
    diff = git_repo.git('diff', '-U0', '--', 'data/series_status.yaml').splitlines()
    assert [line for line in diff if line.startswith(('+', '-')) and not line.startswith(('+++', '---'))] == [
        f'+{line}' for line in ROW.splitlines()]
