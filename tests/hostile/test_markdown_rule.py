"""One rule for text entering Markdown, checked on the source: in ui/, pages/ and app.py a
Markdown element (st.markdown, st.error, st.title, a column's caption…) is called with a catalog
text without placeholders (`st.title(t("page.overview"))`) or through ui.text, which shows any
other text literally. A new page that writes `st.warning(f"… {name}")` fails here."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
MARKDOWN_ELEMENTS = {"markdown", "write", "title", "header", "subheader", "caption", "error", "warning", "info",
                     "success", "toast", "exception", "badge", "latex", "write_stream"}
LOGGERS = {"log", "logger", "logging", "LOG", "LOGGER"}
SOURCES = sorted([*(ROOT / "ui").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"])


def _catalog_constant(node: ast.expr) -> bool:
    """t("key") with nothing filled in: text of ours, no user data."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t"
            and len(node.args) == 1 and isinstance(node.args[0], ast.Constant) and not node.keywords)


def violations(source: str) -> list[str]:
    """Each Markdown element called with a text that may hold someone's input, as `line: call`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MARKDOWN_ELEMENTS):
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in LOGGERS | {"text"}:
            continue  # a log line, or ui.text itself
        body = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "body"), None)
        if body is None or not _catalog_constant(body):
            found.append(f"{node.lineno}: {ast.unparse(node)[:100]}")
    return found


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name != "text.py"], ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_elements_get_literal_text(path):
    assert violations(path.read_text(encoding="utf-8")) == []


def test_the_rule_sees_user_text_in_a_message():
    assert violations('st.warning(f"Năm {raw}")\ncolumn.caption(t("a.b", name=n))\nst.error(str(exc))\n')
    assert len(violations('st.warning(f"Năm {raw}")\ncolumn.caption(t("a.b", name=n))\nst.error(str(exc))\n')) == 3
    assert violations('st.title(t("page.overview"))\ntext.warning(notice)\nlogger.error("x %s", y)\n') == []
