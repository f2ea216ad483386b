"""The leadership screens through AppTest on the demo district: the published figures, URL
parameters (and their refusal out of scope), drill-down and the pipeline (the alerts page: test_alerts_page.py)."""
from __future__ import annotations

import json

import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

from core.cli.demo import RENAMED_IN_WARD, TO_PROVINCE, WARDS
from core.config import current_day
from core.format import md_unescape
from tests.apptest import open_page, texts


def metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def charts(at) -> list[tuple[dict, dict]]:
    """Each Altair chart on the page: its Vega-Lite spec and its datasets by name."""
    found = []
    for element in at.get("vega_lite_chart"):
        datasets = {d.name: convert_arrow_bytes_to_pandas_df(d.data.data) for d in element.proto.datasets}
        found.append((json.loads(element.proto.spec), datasets))
    return found


def test_overview_2023_shows_the_published_district_figures(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2023", org="KB")
    assert "Huyện ủy Kim Bảng – năm 2023" in texts(at)
    assert metric(at, "Kết nạp / chỉ tiêu").value == "148/145"
    assert "Đạt 102,1% kế hoạch" in texts(at)
    assert metric(at, "Tỷ lệ so với đảng viên đầu năm").value == "3,05%"
    assert "Trong mức khuyến nghị – 4.850 đảng viên đầu năm" in texts(at)
    assert metric(at, "Tổ chức cơ sở đảng kết nạp được").value == "27/32"
    # The year is over: the lists for commendation and for correction are shown.
    assert "Đề nghị biểu dương, khen thưởng (từ 120% kế hoạch)" in texts(at)
    assert "Cần chấn chỉnh (chưa đạt kế hoạch)" in texts(at)


def test_the_leaders_view_in_2026_is_the_province_with_its_wards_and_2023_the_province_as_named_then(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2026")
    assert "Tỉnh ủy Ninh Bình – năm 2026" in texts(at)
    assert metric(at, "Kết nạp / chỉ tiêu").value.endswith("/150")
    below = set(at.selectbox(key="f_drill").options)
    assert below == {name for _code, name, *_rest in WARDS} | {name for _code, name in TO_PROVINCE}
    assert "Huyện ủy Kim Bảng" not in texts(at)
    then = open_page("lanhdao", "pages/overview.py", year="2023")
    assert "Tỉnh ủy Hà Nam – năm 2023" in texts(then)
    assert list(then.selectbox(key="f_drill").options) == ["Huyện ủy Kim Bảng"]
    assert "148/145" in texts(then) and "102,1%" in texts(then)


def test_overview_of_hdnd_2023(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2023", org="KB-HDND")
    assert "Đảng bộ HĐND & UBND huyện – năm 2023" in texts(at)
    assert metric(at, "Kết nạp / chỉ tiêu").value == "5/5"
    assert "Đạt 100% kế hoạch" in texts(at)
    assert "146 đảng viên đầu năm" in texts(at)
    table = at.dataframe[0].value
    assert len(table) == 18  # its 18 chi bộ


def test_progress_chart_encodes_target_and_pace(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2026", asof="2026-07-02")
    spec, datasets = next((s, d) for s, d in charts(at) if any(p["name"] == "drill" for p in s.get("params", [])))
    rules = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rule"]
    rule_values = sorted(float(datasets[layer["data"]["name"]]["x"].iloc[0]) for layer in rules)
    assert rule_values[1] == 100.0  # the target
    assert rule_values[0] == pytest.approx(100 * 183 / 365)  # expected by 02/07: 183 days of 365
    bars = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["x"]["field"] == "percent"
    shown = datasets[bars["data"]["name"]]
    # The province's wards and the two units directly under it: no district in 2026.
    assert list(shown.columns[:3]) == ["code", "name", "percent"] and len(shown) == len(WARDS) + len(TO_PROVINCE)
    assert not shown["code"].eq("KB").any()


def test_drill_down_and_back_up(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2026")
    at.selectbox(key="f_drill").select("NB-KIMBANG").run()
    at.selectbox(key="f_drill").select("KB-HDND").run()
    assert at.query_params["org"] == "KB-HDND"
    assert f"{RENAMED_IN_WARD['KB-HDND']} – năm 2026" in texts(at)
    assert [md_unescape(o) for o in at.pills(key="f_crumb").options] == [
        "Tỉnh ủy Ninh Bình", "Đảng ủy phường Kim Bảng", RENAMED_IN_WARD["KB-HDND"]]
    at.pills(key="f_crumb").set_value("NB-KIMBANG").run()
    assert "Đảng ủy phường Kim Bảng – năm 2026" in texts(at)


def test_drill_down_in_a_past_year_follows_the_tree_as_it_stood(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2023")
    at.selectbox(key="f_drill").select("KB").run()
    at.selectbox(key="f_drill").select("KB-HDND").run()
    assert "Đảng bộ HĐND & UBND huyện – năm 2023" in texts(at)
    assert [md_unescape(o) for o in at.pills(key="f_crumb").options] == [
        "Tỉnh ủy Hà Nam", "Huyện ủy Kim Bảng", "Đảng bộ HĐND & UBND huyện"]
    at.pills(key="f_crumb").set_value("KB").run()
    assert "Huyện ủy Kim Bảng – năm 2023" in texts(at)


def test_parameters_out_of_scope_or_invalid_get_a_message_and_the_default(demo_app):
    at = open_page("bithu.hdnd", "pages/overview.py", org="KB-THANHSON", year="hai-nghin", asof="31/02/2026")
    shown = texts(at)
    assert "Tổ chức «KB-THANHSON» nằm ngoài phạm vi được phép xem." in shown
    assert f"Năm không hợp lệ: «hai-nghin» (chọn một năm từ 2000 đến {current_day().year + 1}); dùng năm hiện tại." in shown
    assert "Ngày không hợp lệ: «31/02/2026»" in shown
    assert f"{RENAMED_IN_WARD['KB-HDND']} – năm {current_day().year}" in shown  # its own, as named now
    assert "Thanh Sơn" not in shown


def test_as_of_a_meeting_day(demo_app):
    at = open_page("lanhdao", "pages/overview.py", year="2023", asof="2023-06-30", cmp="2023-05-31")
    value = metric(at, "Kết nạp / chỉ tiêu").value
    admitted = int(value.split("/")[0])
    assert 0 < admitted < 148
    assert "Thay đổi so với ngày 31/05/2023" in texts(at)


def test_pipeline_funnel_sector_stuck_and_students(demo_app):
    at = open_page("lanhdao", "pages/pipeline.py", year="2023", asof="2023-12-31")
    funnel = at.dataframe[0].value
    assert list(funnel["Bước"])[:2] == ["Quần chúng trong diện tạo nguồn", "Quần chúng ưu tú (cảm tình Đảng)"]
    decided = funnel[funnel["Bước"] == "Có quyết định kết nạp"].iloc[0]
    assert decided["Vào bước trong năm"] == "148"  # the year's decisions
    assert "Theo khối" in texts(at)
    shown = texts(at)
    assert "Dừng quá 180 ngày ở một bước" in shown
    today = open_page("lanhdao", "pages/pipeline.py")
    assert "Học sinh đủ 18 tuổi trước ngày 03/02/2027" in texts(today)
