"""Altair charts: each builder takes a DataFrame and returns a chart; numbers shown in text come
preformatted by core.format, so every label reads the Vietnamese way."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core.figures.style import STATUS_COLORS, status_text
from core.format import VEGA_NUMBER_LOCALE, fmt_number, fmt_percent
from core.i18n import label, t
from core.procedure.stages import STAGES, Stage

DRILL = "drill"  # name of the selection that drills into an organization
# Axes of people counted: whole-number ticks only ("0 / 1 / 2", never "0.0 / 0.5"), grouped the
# Vietnamese way by the spec's locale; and every bar's name shown, none dropped for lack of room.
COUNT_AXIS = dict(format=",d", tickMinStep=1)
NAME_AXIS = dict(labelLimit=320, labelOverlap=False)


def vega_spec(chart: alt.TopLevelMixin) -> dict:
    """The chart as a Vega-Lite spec with its data inline, ready for `st.vega_lite_chart`.

    Building and validating an Altair chart takes tens of milliseconds; the pages cache this
    spec per version of its data instead of rebuilding the chart on every rerun. Altair's default
    view size is dropped, as `st.altair_chart` does, so the chart fills its column.
    """
    spec = chart.to_dict()
    config = spec.setdefault("config", {})
    view = config.get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if "view" in config and not view:
        del config["view"]
    config["locale"] = {"number": VEGA_NUMBER_LOCALE}  # axes and tooltips: 4.850; 102,1
    return spec


def _status_scale() -> alt.Scale:
    statuses = list(STATUS_COLORS)
    return alt.Scale(domain=[label("status", s) for s in statuses], range=[STATUS_COLORS[s] for s in statuses])


ROW_PX = 44  # one organization with its name above its bar: a line of text and a bar
INSIDE_FROM = 0.55  # a bar longer than this share of the axis carries its status inside its end


def progress_chart(children: pd.DataFrame, *, pace_percent: float, names_above: bool = False) -> alt.LayerChart:
    """Each organization's % of plan as a bar coloured by status, in the order given (worst
    first), with the target (100 %) and the expected pace for today as vertical rules.
    Clicking a bar selects its organization (selection "drill", field "code").

    With `names_above`, each name is written over its bar across the whole width instead of
    in an axis beside the bars, and the status in words stands after the bar's end (inside it
    when the bar is long): one layout that reads at a phone's 350 px as at 1900 px, since the
    server cannot know the screen. Without it, names on the axis (the projector's ranking)."""
    percents = [0.0 if pd.isna(p) else float(p) for p in children["percent_plan"]]
    top = max([100.0, float(pace_percent), *percents])
    data = pd.DataFrame(
        {
            "code": children["code"],
            "name": children["name"],
            "percent": percents,
            "status": [label("status", s) for s in children["status"]],
            "label": [f"{status_text(s)}  {fmt_number(a)}/{fmt_number(tg)}" for s, a, tg in
                      zip(children["status"], children["admitted"], children["target"])],
            "percent_text": [fmt_percent(p) for p in children["percent_plan"]],
            "expected_text": [fmt_number(e, 1) for e in children["expected"]],
            "reason": children["reason"],
            "inside": [names_above and p / top > INSIDE_FROM for p in percents],
        }
    )
    drill = alt.selection_point(name=DRILL, fields=["code"], on="click", clear=False)
    axis = alt.Axis(**NAME_AXIS) if not names_above else None
    y = alt.Y("name:N", sort=list(data["name"]), title=None, axis=axis)
    # Above the names, a grid line every 20 % (not every 5 % across a wide screen), up to the longest bar.
    x = (alt.X("percent:Q", title=t("chart.percent_plan"), axis=alt.Axis(tickCount=5),
               scale=alt.Scale(domain=[0, top], nice=False)) if names_above
         else alt.X("percent:Q", title=t("chart.percent_plan"), scale=alt.Scale(domainMin=0)))
    legend = None if names_above else alt.Legend(title=None, orient="bottom")  # the words are beside each bar
    bar_offset = ROW_PX / 5 if names_above else 0
    bars = (
        alt.Chart(data)
        .mark_bar(**({"height": ROW_PX / 3, "yOffset": bar_offset} if names_above else {}))
        .encode(
            x=x,
            y=y,
            color=alt.Color("status:N", scale=_status_scale(), legend=legend),
            tooltip=[alt.Tooltip("name:N", title=t("col.organization")),
                     alt.Tooltip("label:N", title=t("col.admitted_target")),
                     alt.Tooltip("percent_text:N", title=t("col.percent_plan")),
                     alt.Tooltip("expected_text:N", title=t("chart.expected")),
                     alt.Tooltip("reason:N", title=t("col.reason"))],
            opacity=alt.condition(drill, alt.value(1.0), alt.value(0.85)),
        )
        .add_params(drill)
    )
    after_bar = alt.Chart(data).transform_filter("!datum.inside").mark_text(
        aria=False, align="left", dx=4, yOffset=bar_offset).encode(x="percent:Q", y=y, text="label:N")
    target = alt.Chart(pd.DataFrame({"x": [100.0], "what": [t("chart.target")]})).mark_rule(
        color="#222222", strokeWidth=2).encode(x="x:Q", tooltip=alt.Tooltip("what:N", title=""))
    pace = alt.Chart(pd.DataFrame({"x": [pace_percent], "what": [t("chart.pace", percent=fmt_percent(pace_percent))]})
                     ).mark_rule(color="#222222", strokeDash=[6, 4], strokeWidth=2).encode(
        x="x:Q", tooltip=alt.Tooltip("what:N", title=""))
    layers = [bars, target, pace, after_bar]  # the rules under the words
    if names_above:
        names = alt.Chart(data).mark_text(aria=False, align="left", baseline="bottom", yOffset=-2, fontSize=13,
                                          limit=alt.ExprRef("width")).encode(x=alt.value(0), y=y, text="name:N")
        in_bar = alt.Chart(data).transform_filter("datum.inside").mark_text(
            aria=False, align="right", dx=-4, yOffset=bar_offset, color="white", fontWeight="bold").encode(
            x="percent:Q", y=y, text="label:N")
        layers += [names, in_bar]
    row = ROW_PX if names_above else 26
    return alt.layer(*layers).properties(height=max(120, row * len(data)))


def months_chart(months: pd.DataFrame) -> alt.LayerChart:
    """Cumulative admissions month by month against the plan's expected cumulative pace."""
    long = pd.concat(
        [
            pd.DataFrame({"month": months["month"], "value": months["cumulative"], "series": t("chart.actual")}),
            pd.DataFrame({"month": months["month"], "value": months["expected_cumulative"], "series": t("chart.plan")}),
        ]
    ).dropna()
    long["text"] = [fmt_number(v, 1) for v in long["value"]]
    return (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:O", title=t("chart.month"), axis=alt.Axis(labelAngle=0, labelOverlap=False)),
            y=alt.Y("value:Q", title=t("chart.cumulative"), axis=alt.Axis(**COUNT_AXIS)),
            color=alt.Color("series:N", title=None,
                            scale=alt.Scale(domain=[t("chart.actual"), t("chart.plan")], range=["#0072B2", "#555555"]),
                            legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[alt.Tooltip("month:O", title=t("chart.month")), alt.Tooltip("series:N", title=""),
                     alt.Tooltip("text:N", title=t("chart.cumulative"))],
        )
        .properties(height=260)
    )


def trend_chart(trend: pd.DataFrame) -> alt.LayerChart:
    """Admissions per year as bars, the year's target as a tick."""
    data = trend.assign(year=trend["year"].astype(str), text=[fmt_number(a) for a in trend["admitted"]])
    bars = alt.Chart(data).mark_bar(color="#0072B2").encode(
        x=alt.X("year:O", title=t("filter.year"), axis=alt.Axis(labelAngle=0, labelOverlap=False)),
        y=alt.Y("admitted:Q", title=t("chart.admitted"), axis=alt.Axis(**COUNT_AXIS)),
        tooltip=[alt.Tooltip("year:O", title=t("filter.year")), alt.Tooltip("text:N", title=t("chart.admitted"))])
    target = alt.Chart(data).mark_tick(color="#222222", thickness=3, size=40).encode(
        x="year:O", y="target:Q", tooltip=[alt.Tooltip("target:Q", title=t("chart.target"), format=",d")])
    labels = alt.Chart(data).mark_text(dy=-8, aria=False).encode(x="year:O", y="admitted:Q", text="text:N")
    return alt.layer(bars, target, labels).properties(height=240)


def funnel_chart(stages: pd.DataFrame) -> alt.Chart:
    """Candidates standing at each stage up to probation, in the order of the procedure
    (official members are the end of the road, not part of the pipeline)."""
    stages = stages[stages["stage"] != Stage.OFFICIAL.value]
    order = [label("stage", s) for s in STAGES if s is not Stage.OFFICIAL]
    data = stages.assign(stage_label=[label("stage", s) for s in stages["stage"]],
                         text=[fmt_number(n) for n in stages["standing"]])
    bars = alt.Chart(data).mark_bar(color="#0072B2").encode(
        x=alt.X("standing:Q", title=t("col.standing"), axis=alt.Axis(**COUNT_AXIS)),
        y=alt.Y("stage_label:N", sort=order, title=None, axis=alt.Axis(**NAME_AXIS)),
        tooltip=[alt.Tooltip("stage_label:N", title=t("col.stage")), alt.Tooltip("text:N", title=t("col.standing"))])
    text = alt.Chart(data).mark_text(align="left", dx=4, aria=False).encode(x="standing:Q", y=alt.Y("stage_label:N", sort=order),
                                                               text="text:N")
    return alt.layer(bars, text).properties(height=32 * len(data))
