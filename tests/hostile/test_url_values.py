"""Every hostile value in every URL parameter, read by core on both databases: the parameter
gets a short Vietnamese notice and its default, nothing raises, nothing is written."""
from __future__ import annotations

from datetime import date

import pytest

from core.access.filters import (
    FIRST_YEAR,
    MAX_RECORD_ID,
    last_year,
    parse_view,
    record_id,
    year_choices,
)
from core.access.scope import NotFoundError, operator, resolve
from core.cli.demo import ROOT_CODE
from core.figures.projector import DEFAULT_SECONDS, PANELS, THEMES, parse_projector
from core.format import parse_ascii_int
from core.procedure.candidates import candidate_detail
from core.storage.db import session_scope
from tests.hostile.payloads import HOSTILE_URL_VALUES, fingerprint

TODAY = date(2026, 11, 20)
NOTICE_MAX_CHARS = 300  # a refused value is quoted shortened, never repeated whole


@pytest.mark.parametrize("parameter", ["year", "org", "asof", "cmp"])
def test_every_hostile_value_of_a_view_parameter_gets_a_notice_and_the_default(demo_engine, parameter):
    before = fingerprint(demo_engine)
    with session_scope(demo_engine) as s:
        actor = operator(s)
        default, none = parse_view(s, actor, {}, today=TODAY)
        assert none == []
        for value in HOSTILE_URL_VALUES:
            view, notices = parse_view(s, actor, {parameter: value}, today=TODAY)
            assert view == default, (parameter, value)
            assert len(notices) == 1 and 0 < len(notices[0]) <= NOTICE_MAX_CHARS, (parameter, value, notices)
            assert "\x00" not in notices[0]
    assert fingerprint(demo_engine) == before


@pytest.mark.parametrize("parameter", ["seconds", "panels", "theme", "since"])
def test_every_hostile_value_of_a_projector_parameter_gets_a_notice_and_the_default(demo_engine, parameter):
    before = fingerprint(demo_engine)
    with session_scope(demo_engine) as s:
        actor = operator(s)
        default, _ = parse_projector(s, actor, {}, today=TODAY)
        assert (default.seconds, default.panels, default.theme) == (DEFAULT_SECONDS, PANELS, THEMES[0])
        for value in HOSTILE_URL_VALUES:
            view, notices = parse_projector(s, actor, {parameter: value}, today=TODAY)
            assert view == default, (parameter, value)
            assert len(notices) == 1 and len(notices[0]) <= NOTICE_MAX_CHARS, (parameter, value, notices)
    assert fingerprint(demo_engine) == before


def test_a_record_id_is_ascii_digits_within_the_databases_integer():
    assert [record_id(v) for v in ("12", "0012", "2147483647", "2147483648")] == [12, 12, MAX_RECORD_ID, None]
    for value in HOSTILE_URL_VALUES:
        found = record_id(value)
        assert found is None or (0 < found <= MAX_RECORD_ID and value.isascii()), value


def test_an_id_past_the_databases_integer_is_not_found_not_an_error(demo_engine):
    with session_scope(demo_engine) as s, pytest.raises(NotFoundError, match="Không tìm thấy bản ghi"):
        candidate_detail(s, operator(s), 99999999999999999999)


@pytest.mark.parametrize("text, expected", [("2023", 2023), (" 2023 ", 2023), ("²", None), ("٢٠٢٣", None),
                                            ("9" * 5000, None), ("-5", None), ("+5", None), ("1e3", None),
                                            ("", None), ("0x10", None), ("１２", None)])
def test_parse_ascii_int_takes_only_ascii_digits_in_range(text, expected):
    assert parse_ascii_int(text, low=0, high=9999) == expected


def test_the_year_pills_offer_only_years_the_url_accepts(demo_engine):
    for today in (TODAY, date(FIRST_YEAR + 2, 6, 1)):
        years = year_choices(today, today.year)
        assert years == sorted(years, reverse=True) and all(FIRST_YEAR <= y <= last_year(today) for y in years)
    with session_scope(demo_engine) as s:
        actor = operator(s)
        assert parse_view(s, actor, {"year": str(FIRST_YEAR)}, today=TODAY)[0].year == FIRST_YEAR
        assert parse_view(s, actor, {"year": str(last_year(TODAY))}, today=TODAY)[0].year == last_year(TODAY)
        view, notices = parse_view(s, actor, {"year": "1999"}, today=TODAY)
        assert view.year == TODAY.year
        assert notices == ["Năm không hợp lệ: «1999» (chọn một năm từ 2000 đến 2027); dùng năm hiện tại."]


def test_a_refused_value_is_quoted_short_and_without_control_characters(demo_engine):
    with session_scope(demo_engine) as s:
        _, [notice] = parse_view(s, operator(s), {"org": "KB\x00" + "x" * 10_000}, today=TODAY)
        assert notice == "Không tìm thấy tổ chức đảng có mã «KB\ufffd" + "x" * 57 + "…»."
        _, [notice] = parse_view(s, operator(s), {"asof": "0001-01-01"}, today=TODAY)
        assert notice.startswith("Ngày không hợp lệ: «0001-01-01»") and "từ 01/01/1900 đến 31/12/2100" in notice
        assert resolve(s, operator(s), None).code == ROOT_CODE  # the province, not the district it held
