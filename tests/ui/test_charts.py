"""Chart builders: what the specs encode (target, pace, status colours, order, labels)."""
from __future__ import annotations

import pandas as pd

from core.figures.style import STATUS_COLORS
from ui.charts import funnel_chart, months_chart, progress_chart, trend_chart, vega_spec

CHILDREN = pd.DataFrame(
    {
        "code": ["A", "B"],
        "name": ["Chi bộ A", "Chi bộ B"],
        "admitted": [0, 3],
        "target": [2, 3],
        "expected": [1.0, 1.5],
        "percent_plan": [0.0, 100.0],
        "status": ["at_risk", "done"],
        "reason": ["Đã kết nạp 0, dưới mức dự kiến 1 đến 30/06/2026; …", "Đã kết nạp 3/3: đạt kế hoạch năm 2026."],
    }
)


def _layers(chart) -> list[dict]:
    return chart.to_dict()["layer"]


def test_progress_chart_marks_target_pace_and_status_colours():
    spec = progress_chart(CHILDREN, pace_percent=50.0).to_dict()
    layers = spec["layer"]
    datasets = spec["datasets"]
    rules = [layer for layer in layers if layer["mark"]["type"] == "rule"]
    assert sorted(datasets[layer["data"]["name"]][0]["x"] for layer in rules) == [50.0, 100.0]
    bars = next(layer for layer in layers if layer["mark"]["type"] == "bar")
    scale = bars["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"]))["Hoàn thành"] == STATUS_COLORS["done"]
    assert bars["encoding"]["y"]["sort"] == ["Chi bộ A", "Chi bộ B"]  # worst first, as given
    labels = [row["label"] for row in datasets[bars["data"]["name"]]]
    assert labels == ["✖ Có nguy cơ không đạt  0/2", "✔ Hoàn thành  3/3"]
    assert [tip["title"] for tip in bars["encoding"]["tooltip"]][-1] == "Lý do"  # why, beside every bar


def test_months_chart_compares_actual_with_plan():
    months = pd.DataFrame({"month": range(1, 13), "cumulative": [1.0] * 6 + [None] * 6,
                           "expected_cumulative": [float(m) for m in range(1, 13)]})
    spec = months_chart(months).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert {r["series"] for r in rows} == {"Thực hiện (lũy kế)", "Kế hoạch (lũy kế)"}
    assert sum(1 for r in rows if r["series"] == "Thực hiện (lũy kế)") == 6  # nothing drawn after the as-of month
    assert spec["encoding"]["color"]["scale"]["domain"] == ["Thực hiện (lũy kế)", "Kế hoạch (lũy kế)"]


def test_trend_chart_shows_target_ticks():
    trend = pd.DataFrame({"year": [2022, 2023], "admitted": [141, 148], "target": [140, 145]})
    ticks = next(layer for layer in _layers(trend_chart(trend)) if layer["mark"]["type"] == "tick")
    assert ticks["encoding"]["y"]["field"] == "target"


def test_funnel_chart_leaves_out_official_members():
    stages = pd.DataFrame({"stage": ["source", "admitted", "official"], "standing": [5, 2, 500]})
    spec = funnel_chart(stages).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["stage_label"] for r in rows] == ["Quần chúng trong diện tạo nguồn", "Đã kết nạp (đảng viên dự bị)"]


def test_every_chart_reads_numbers_the_vietnamese_way_with_whole_people():
    """Vega-Lite formats axes and numeric tooltips itself: the spec carries the Vietnamese number
    locale, counted people get whole-number ticks, and no organization's or stage's name is dropped."""
    trend = pd.DataFrame({"year": [2022, 2023], "admitted": [1, 2], "target": [1, 1]})
    months = pd.DataFrame({"month": [1, 2], "cumulative": [0.0, 1.0], "expected_cumulative": [0.5, 1.0]})
    stages = pd.DataFrame({"stage": ["source", "admitted"], "standing": [1, 0]})
    charts = {"progress": progress_chart(CHILDREN, pace_percent=50.0), "trend": trend_chart(trend),
              "months": months_chart(months), "funnel": funnel_chart(stages)}
    for name, chart in charts.items():
        spec = vega_spec(chart)
        assert spec["config"]["locale"]["number"]["decimal"] == ",", name
        assert spec["config"]["locale"]["number"]["thousands"] == ".", name
    counts = [layer["encoding"]["y"] for layer in _layers(charts["trend"]) if layer["mark"]["type"] == "bar"]
    counts += [months_chart(months).to_dict()["encoding"]["y"]]
    counts += [layer["encoding"]["x"] for layer in _layers(charts["funnel"]) if layer["mark"]["type"] == "bar"]
    assert [(c["axis"]["tickMinStep"], c["axis"]["format"]) for c in counts] == [(1, ",d")] * 3
    names = [layer["encoding"]["y"]["axis"] for chart in ("progress", "funnel") for layer in _layers(charts[chart])
             if layer["mark"]["type"] == "bar"]
    assert [axis["labelOverlap"] for axis in names] == [False, False]


def test_progress_chart_with_names_above_fits_any_width():
    """The overview's layout: names written across the chart over their bars (no axis of names
    to eat a phone's width), the status after a short bar and inside a long one, the longest
    bar reaching the right edge, no legend (the words stand beside each bar)."""
    children = pd.concat([CHILDREN, CHILDREN.iloc[[0]].assign(code="C", name="Chi bộ C", admitted=3, target=2,
                                                               percent_plan=150.0, status="done")])
    spec = progress_chart(children, pace_percent=50.0, names_above=True).to_dict()
    layers = spec["layer"]
    texts = [layer for layer in layers if layer["mark"]["type"] == "text"]
    names = next(layer for layer in texts if layer["encoding"]["text"]["field"] == "name")
    assert names["mark"]["limit"] == {"expr": "width"} and names["encoding"]["x"] == {"value": 0}
    bars = next(layer for layer in layers if layer["mark"]["type"] == "bar")
    assert bars["encoding"]["y"]["axis"] is None and bars["encoding"]["color"]["legend"] is None
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 150.0]
    rows = spec["datasets"][bars["data"]["name"]]
    assert [(row["name"], row["inside"]) for row in rows] == [("Chi bộ A", False), ("Chi bộ B", True), ("Chi bộ C", True)]
    statuses = [layer for layer in texts if layer["encoding"]["text"]["field"] == "label"]
    assert sorted(layer["transform"][0]["filter"] for layer in statuses) == ["!datum.inside", "datum.inside"]
    assert layers.index(bars) < min(layers.index(layer) for layer in texts)  # words drawn over bars and rules


def test_no_chart_tells_a_screen_reader_its_internal_column_names():
    """Vega-Lite describes each mark to screen readers from its tooltip, else from its encoded
    fields by name ("percent: 33.3; name: …"): every mark a screen reader hears has a tooltip
    with Vietnamese titles, and the words written beside the bars are left out (they repeat
    what the bar says)."""
    trend = pd.DataFrame({"year": [2022, 2023], "admitted": [1, 2], "target": [1, 1]})
    months = pd.DataFrame({"month": [1, 2], "cumulative": [0.0, 1.0], "expected_cumulative": [0.5, 1.0]})
    stages = pd.DataFrame({"stage": ["source", "admitted"], "standing": [1, 0]})
    charts = {"progress": progress_chart(CHILDREN, pace_percent=50.0),
              "progress_phone": progress_chart(CHILDREN, pace_percent=50.0, names_above=True),
              "trend": trend_chart(trend), "months": months_chart(months), "funnel": funnel_chart(stages)}
    for name, chart in charts.items():
        spec = chart.to_dict()
        for layer in spec.get("layer", [spec]):
            mark = layer["mark"] if isinstance(layer["mark"], dict) else {"type": layer["mark"]}
            if mark.get("aria") is False:
                continue
            assert mark["type"] != "text", (name, layer["encoding"])
            tooltip = layer.get("encoding", {}).get("tooltip") or spec.get("encoding", {}).get("tooltip")
            tooltips = tooltip if isinstance(tooltip, list) else [tooltip]
            assert tooltip and all("title" in item for item in tooltips), (name, layer.get("encoding"))
