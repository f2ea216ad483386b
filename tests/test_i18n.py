"""The UI catalog has a label for every code the product shows (core.i18n)."""
from __future__ import annotations

import re

import pytest

from core.figures.alerts import ALERT_KINDS
from core.figures.progress import STATUSES
from core.i18n import CATALOG, DEFAULT_LANGUAGE, label, t
from core.procedure.clocks import STATE_RANK
from core.procedure.stages import (
    Education,
    Exit,
    Occupation,
    OrgKind,
    Qualification,
    Role,
    Sector,
    Stage,
)

ENUM_GROUPS = [
    (Stage, "stage"),
    (Exit, "exit"),
    (OrgKind, "kind"),
    (Sector, "sector"),
    (Education, "education"),
    (Qualification, "qualification"),
    (Occupation, "occupation"),
    (Role, "role"),
]
CLOCK_KINDS = (
    "decision",
    "ceremony",
    "probation_end",
    "recognition_review",
    "new_member_class",
    "certificate_expiry",
    "turns_18",
    "turns_60",
    "stuck",
)
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def test_vietnamese_is_the_default_language():
    assert DEFAULT_LANGUAGE == "vi"
    assert "vi" in CATALOG


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_every_language_has_exactly_the_vietnamese_keys(language):
    assert set(CATALOG[language]) == set(CATALOG["vi"])


@pytest.mark.parametrize("language", sorted(CATALOG))
def test_every_language_uses_the_same_placeholders(language):
    for key, text in CATALOG[language].items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(CATALOG["vi"][key])), key


def test_every_text_is_a_non_empty_string():
    for language, texts in CATALOG.items():
        for key, text in texts.items():
            assert isinstance(text, str) and text.strip(), (language, key)


@pytest.mark.parametrize(("enum", "group"), ENUM_GROUPS, ids=[g for _, g in ENUM_GROUPS])
def test_every_enum_code_has_a_label(enum, group):
    for member in enum:
        text = label(group, member.value)
        assert text.strip(), f"{group}.{member.value}"


def test_stage_labels_are_those_of_the_procedure():
    assert label("stage", Stage.SOURCE) == "Quần chúng trong diện tạo nguồn"
    assert label("stage", Stage.OUTSTANDING) == "Quần chúng ưu tú (cảm tình Đảng)"
    assert label("stage", Stage.ADMITTED) == "Đã kết nạp (đảng viên dự bị)"
    assert label("stage", Stage.OFFICIAL) == "Đảng viên chính thức"
    assert label("exit", Exit.STOPPED) == "Dừng xem xét"
    assert label("exit", Exit.REMOVED) == "Xóa tên khỏi danh sách đảng viên dự bị"
    assert label("exit", Exit.TRANSFERRED) == "Chuyển đi"


@pytest.mark.parametrize("status", STATUSES)
def test_every_status_has_a_label(status):
    assert t(f"status.{status}").strip()


@pytest.mark.parametrize("kind", ALERT_KINDS)
def test_every_alert_kind_has_a_label(kind):
    assert t(f"alert_kind.{kind}").strip()


@pytest.mark.parametrize("kind", CLOCK_KINDS)
def test_every_clock_kind_has_a_label(kind):
    assert t(f"clock.{kind}").strip()


@pytest.mark.parametrize("state", sorted(STATE_RANK))
def test_every_clock_state_has_a_label(state):
    assert t(f"clock_state.{state}").strip()


@pytest.mark.parametrize("band", ["below", "within", "above"])
def test_every_band_has_a_label(band):
    assert t(f"band.{band}").strip()


def test_t_fills_placeholders():
    assert t("progress.phrase", admitted="148", target="145", percent="102,1%") == "148/145, đạt 102,1% kế hoạch"
    assert t("date.long", place="Kim Bảng", day="19", month="01", year=2024) == "Kim Bảng, ngày 19 tháng 01 năm 2024"


def test_t_without_params_returns_the_text_as_is():
    assert t("app.title") == "Phát triển đảng viên"


def test_a_missing_key_raises_key_error():
    with pytest.raises(KeyError):
        t("no.such.key")
    with pytest.raises(KeyError):
        label("stage", "no_such_stage")


def test_a_missing_placeholder_value_raises_key_error():
    with pytest.raises(KeyError):
        t("progress.phrase", admitted="1")


def test_an_unknown_language_raises_key_error():
    with pytest.raises(KeyError):
        t("app.title", language="xx")
