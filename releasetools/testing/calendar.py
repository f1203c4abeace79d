"""Series calendars for tests: ``schedule.yaml`` (and a ``schedule.rst`` with the events' titles).

:func:`write_calendar` writes ``doc/source/<series>/`` of a data repository:
one week per entry of ``weeks`` from the Monday ``first`` on, named
``R-N`` down to ``R+0``, with its cross-project events; ``titles`` become
the ``.. _name:`` sections of the rst page, as the real calendars have them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ['schedule_rst', 'schedule_yaml', 'write_calendar']


def schedule_yaml(first: dt.date, weeks: Sequence[Sequence[str]]) -> str:
    """A calendar of ``len(weeks)`` weeks from the Monday ``first``; ``weeks[i]`` are week i's x-project events."""
    lines = ['---', 'cycle:']
    count = len(weeks)
    for i, events in enumerate(weeks):
        start = first + dt.timedelta(weeks=i)
        left = count - 1 - i
        lines += [f"  - start: '{start.isoformat()}'", f"    end: '{(start + dt.timedelta(days=4)).isoformat()}'",
                  f'    name: R-{left}' if left else '    name: R+0']
        if events:
            lines.append('    x-project:')
            lines.extend(f'      - {e}' for e in events)
    return '\n'.join(lines) + '\n'


def schedule_rst(titles: Mapping[str, str]) -> str:
    """A series page with a titled section under an anchor for each event."""
    parts = ['========\nSchedule\n========\n']
    for name, title in titles.items():
        parts.append(f'.. _{name}:\n\n{title}\n{"-" * len(title)}\n\nText of {name}.\n')
    return '\n'.join(parts)


def write_calendar(root: Path, series: str, first: dt.date, weeks: Sequence[Sequence[str]],
                   titles: Mapping[str, str] | None = None) -> Path:
    """Write ``doc/source/<series>/schedule.yaml`` (and ``schedule.rst`` with ``titles``); return the folder."""
    folder = root / 'doc' / 'source' / series
    folder.mkdir(parents=True, exist_ok=True)
    (folder / 'schedule.yaml').write_text(schedule_yaml(first, weeks))
    if titles:
        (folder / 'schedule.rst').write_text(schedule_rst(titles))
    return folder
