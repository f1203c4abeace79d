"""The layers of doc/source/architecture.rst, held against the code's own imports.

A module may import its own layer and the layers listed before it, never one
listed after: the folder tree stays the architecture as code is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'releasetools'

#: Lowest first: each layer may import only itself and the layers before it.
LAYERS = ('core', 'git', 'data', 'rules', 'notes', 'artifacts', 'validate', 'propose', 'review', 'release',
          'site', 'demo', 'testing', 'cli')


def _layer_of(parts: list[str]) -> str | None:
    return parts[0] if len(parts) > 1 and parts[0] in LAYERS else None


def _imported_layers(rel: list[str], source: str) -> set[str]:
    """The layers the module at ``rel`` (parts under releasetools/) imports in ``source``."""
    package = ['releasetools', *rel[:-1]]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = base + (node.module.split('.') if node.module else [])
            elif node.module and node.module.split('.')[0] == 'releasetools':
                target = node.module.split('.')
            else:
                continue
            if len(target) == 1:  # from releasetools import x / from .. import x
                found.update(a.name for a in node.names if a.name in LAYERS)
            elif target[1] in LAYERS:
                found.add(target[1])
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split('.')
                if parts[0] == 'releasetools' and len(parts) > 1 and parts[1] in LAYERS:
                    found.add(parts[1])
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob('*.py'))


def test_every_module_is_in_a_layer() -> None:
    loose = [p.name for p in PACKAGE.glob('*.py') if p.name not in ('__init__.py', '__main__.py')]
    assert loose == []
    folders = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / '__init__.py').is_file())
    assert sorted(folders) == sorted(LAYERS)


@pytest.mark.parametrize('path', _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_down_the_layers(path: Path) -> None:
    own = _layer_of(list(path.relative_to(PACKAGE).parts))
    if own is None:
        return  # releasetools/__init__.py, __main__.py: the entry points
    allowed = set(LAYERS[:LAYERS.index(own) + 1])
    imported = _imported_layers(list(path.relative_to(PACKAGE).parts), path.read_text(encoding='utf-8'))
    assert imported - allowed == set(), f'{own} may import only {sorted(allowed)}'


def test_the_check_sees_every_spelling_of_an_import() -> None:
    source = ('from ..cli import main\nfrom releasetools.site import build_site\nimport releasetools.demo.sandbox\n'
              'from .. import release\nfrom .versions import SemVer\n')
    assert _imported_layers(['core', 'model.py'], source) == {'cli', 'site', 'demo', 'release', 'core'}


def test_the_architecture_page_lists_the_same_layers_in_the_same_order() -> None:
    page = PACKAGE.parent / 'doc' / 'source' / 'architecture.rst'
    listed = [line.split('/')[0].strip() for line in page.read_text(encoding='utf-8').splitlines()
              if line.startswith('    ') and '/ ' in line and line.split('/')[0].strip().isidentifier()]
    assert tuple(listed) == LAYERS
