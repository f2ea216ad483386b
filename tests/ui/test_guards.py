"""Work done outside a page's run checks the session again (issue 14, item 1), for every such
place the code has and any added later: each `st.fragment` starts with `auth.fragment_guard`,
and each `st.download_button` builds its file through `ui.reports._deferred`."""
from __future__ import annotations

import ast

from tests.apptest import ROOT

SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]


def _trees():
    for path in SOURCES:
        yield path, ast.parse(path.read_text())


def _is_fragment(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fragment"


def test_every_fragment_starts_with_the_guard():
    fragments = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and any(_is_fragment(d) for d in node.decorator_list):
                first = ast.unparse(node.body[0])
                fragments.append(node.name)
                assert "auth.fragment_guard(" in first, f"{path.name}: fragment {node.name} starts with {first!r}"
    assert fragments == ["rotating"]  # the projector's; a new one is checked the same way


def test_every_download_is_built_through_the_session_check():
    downloads = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button":
                data = next((k.value for k in node.keywords if k.arg == "data"), None)
                downloads.append(path.name)
                assert isinstance(data, ast.Call) and ast.unparse(data.func) == "_deferred", (
                    f"{path.name}:{node.lineno}: data={ast.unparse(data) if data else None}")
    # the exports, the Word report, the import templates, the cảm tình list (Word, Excel), the drafts,
    # the move-out certificate
    assert len(downloads) == 7


def test_no_heading_carries_streamlits_english_link_anchor():
    """A heading's anchor link is labelled "Link to heading" in English (and shows on hover): every
    title, header and subheader is drawn without it."""
    headings = []
    for path, tree in _trees():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("title", "header", "subheader")
                    and isinstance(node.func.value, ast.Name) and node.func.value.id != "text"):
                headings.append(path.name)
                anchor = {k.arg: k.value for k in node.keywords}.get("anchor")
                assert isinstance(anchor, ast.Constant) and anchor.value is False, f"{path.name}:{node.lineno}"
    assert "text.py" in headings and "candidate.py" in headings
