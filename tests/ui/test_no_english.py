"""No English of Streamlit's where a parameter or the stylesheet can say it in Vietnamese (issue
15), checked on the source: every selectbox and multiselect names its placeholder (Streamlit's
default is "Choose an option", or "No options to select" for an empty list), every table says
how an empty cell shows (else "None"), every date field reads DD/MM/YYYY, and the stylesheet draws the catalog's texts, escaped for CSS. The browser
test tests/browser/test_every_page.py looks at the pages themselves."""
from __future__ import annotations

import ast

import pytest

from core.i18n import t
from tests.hostile.test_markdown_rule import SOURCES
from ui import style


def widget_calls(name: str) -> list[tuple[str, ast.Call]]:
    """Each call of `<anything>.<name>(...)` in ui/, pages/ and app.py, with where it is."""
    calls = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
                calls.append((f"{path.name}:{node.lineno}", node))
    return calls


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


@pytest.mark.parametrize("widget", ["selectbox", "multiselect"])
def test_every_choice_widget_has_a_vietnamese_placeholder(widget):
    missing = [where for where, call in widget_calls(widget) if keyword(call, "placeholder") is None]
    assert missing == []


@pytest.mark.parametrize("widget", ["dataframe", "data_editor"])
def test_every_table_says_how_a_missing_value_shows(widget):
    """Without `placeholder=`, Streamlit draws "None" in every empty cell."""
    calls = widget_calls(widget)
    assert calls
    assert [where for where, call in calls if keyword(call, "placeholder") is None] == []


def test_every_date_field_reads_day_month_year():
    calls = widget_calls("date_input")
    assert calls  # the source is still read
    wrong = [where for where, call in calls
             if not (isinstance(keyword(call, "format"), ast.Constant) and keyword(call, "format").value == "DD/MM/YYYY")]
    assert wrong == []


def test_the_stylesheet_draws_the_catalog_texts_in_place_of_streamlits():
    for key in ("streamlit.upload", "streamlit.upload_hint", "streamlit.drop_here", "streamlit.no_results",
                "streamlit.date_day", "streamlit.date_month", "streamlit.date_year", "streamlit.skip_to_content"):
        assert f"content: {style.css_string(t(key))}" in style.CSS, key
    assert '[data-testid="InputInstructions"]' in style.CSS  # "Press Enter to apply" never shows


@pytest.mark.parametrize("text, literal", [
    ("Chọn tệp", '"Chọn tệp"'),
    ('a "b"', '"a \\22 b\\22 "'),
    ("</style><script>", '"\\3C /style\\3E \\3C script\\3E "'),
    ("x\\y {z}", '"x\\5C y \\7B z\\7D "'),
    ("hai\ndòng", '"hai\\A dòng"'),
])
def test_css_string_cannot_end_the_string_the_rule_or_the_style_element(text, literal):
    assert style.css_string(text) == literal
