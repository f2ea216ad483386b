"""The house in layers: imports run one way (pages and app.py → ui → core), read from each
module's syntax tree, and every core module imports without loading Streamlit."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """Every module an `import` or `from … import` statement names, anywhere in the file
    (inside functions too); comments and strings are not read."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _top(name: str) -> str:
    return name.split(".", 1)[0]


@pytest.mark.parametrize("path", _modules("core"), ids=_module_name)
def test_core_imports_neither_streamlit_nor_ui(path):
    forbidden = {name for name in _imported(path) if _top(name) in {"streamlit", "streamlit_authenticator", "ui", "pages"}}
    assert not forbidden, f"{_module_name(path)} imports {sorted(forbidden)}"


@pytest.mark.parametrize("path", _modules("ui"), ids=_module_name)
def test_ui_never_imports_pages_or_app(path):
    forbidden = {name for name in _imported(path) if _top(name) in {"pages", "app"}}
    assert not forbidden, f"{_module_name(path)} imports {sorted(forbidden)}"


def test_the_layer_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""import streamlit"""\n# import streamlit\ndef f():\n    from streamlit import cache_data\n')
    assert "streamlit" in {_top(name) for name in _imported(sample)}
    sample.write_text('"""import streamlit as st"""\n# from streamlit import x\nTEXT = "import streamlit"\n')
    assert not {_top(name) for name in _imported(sample)} & {"streamlit"}


def test_every_core_module_imports_without_loading_streamlit():
    # Migrations run inside Alembic, and __main__ runs the command line: both are left out.
    names = [_module_name(p) for p in _modules("core") if "migrations" not in p.parts and p.name != "__main__.py"]
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('streamlit', 'streamlit_authenticator', 'ui'))\n"
        "print(len(sys.modules)); print(loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
