"""The shared components' accessibility, as pure functions: readable tile labels, grid rows as links,
better/worse in words."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd

from dashboard.components.ages import age_figure
from dashboard.components.chartalt import chart_alternative, summary_sentence
from dashboard.components.figure import axis_label, titled_graph
from dashboard.components.grid import data_grid, header_min_width, records_of
from dashboard.components.stacked import empty_stacks, label_empty_stacks
from dashboard.components.status import judgement
from dashboard.components.tilegrid import tile_map
from views.palette import contrast, label_color, progress_color, rgb


def test_every_tile_label_reads_at_4_5_to_1_or_better():
    for value in [None, *range(0, 101, 5)]:
        tile = progress_color(value)
        assert contrast(tile, rgb(label_color(tile))) >= 4.5, (value, tile)
    assert label_color(progress_color(0)) == "#ffffff"      # dark red: white text
    assert label_color(progress_color(50)) == "#000000"     # yellow: black text
    assert round(contrast(rgb("#ffffff"), rgb("#000000")), 1) == 21.0


def test_the_tile_map_colours_each_label_for_its_tile():
    fig = tile_map({"44": 0.0, "45": 100.0, "11": 50.0}, {}, "zh")
    coloured = fig["data"][-1]
    by_code = dict(zip(coloured["customdata"], coloured["textfont"]["color"]))
    assert by_code == {"11": "#000000", "45": "#ffffff", "44": "#ffffff"}


def test_a_drill_grid_links_each_name_to_its_region():
    frame = pd.DataFrame({"drill": ["44", "45"], "name": ["广东省", "广西壮族自治区"]})
    grid = data_grid("g", frame, [{"field": "name"}, {"field": "drill"}], row_id="drill", clickable=True,
                     drill="/deadlines?year=2025&province=__CODE__&lang=en")
    assert [r["href"] for r in grid.rowData] == ["/deadlines?year=2025&province=44&lang=en",
                                                 "/deadlines?year=2025&province=45&lang=en"]
    assert grid.columnDefs[0]["cellRenderer"] == "DrillLink" and "cellRenderer" not in grid.columnDefs[1]
    assert grid.eventListeners == {"cellKeyDown": ["aidwatchDrillOnEnter(params)"]}
    # every grid, drill or not, lets Tab leave it
    plain = data_grid("p", frame, [{"field": "name"}])
    assert plain.dashGridOptions["tabToNextCell"] == {"function": "aidwatchTabOut(params)"}
    assert "href" not in plain.rowData[0] and "cellRenderer" not in plain.columnDefs[0]


def test_better_and_worse_are_told_in_words_and_symbols():
    worse, better = judgement(True, "en"), judgement(False, "zh")
    assert worse.title == "worse" and worse.children[0].children == "✗" and worse.children[1].children == "worse"
    assert better.title == "好转" and better.children[0].children == "✓"


def test_a_chart_is_told_in_one_sentence_and_a_table():
    frame = pd.DataFrame({"drill": ["11", "44", "45"], "name": ["北京市", "广东省", "广西壮族自治区"],
                          "pct": [None, 71.4, 100.0], "pct_text": ["无数据", "71.4%", "100.0%"]})
    assert summary_sentence("进度", frame, "pct", "pct_text", "zh") == "进度：最低 广东省 71.4%，最高 广西壮族自治区 100.0%。 1 个无数据。"
    assert summary_sentence("Progress", frame.iloc[:1], "pct", "pct_text", "en") == "Progress: no data."
    alt = chart_alternative("a", "进度", frame, [("name", "省份"), ("pct_text", "完成率")], "pct", "pct_text", "zh",
                            hrefs=["/d?province=11", "/d?province=44", "/d?province=45"])
    details = alt.children[1]
    table = details.children[1]
    body = table.children[1].children
    assert [row.children[0].children.href for row in body] == ["/d?province=11", "/d?province=44", "/d?province=45"]
    assert [row.children[1].children for row in body] == ["无数据", "71.4%", "100.0%"]


def test_an_empty_stack_is_labelled_at_the_axis_not_left_blank():
    # 广东 stacks 2 + 1; 北京 adds up to 0; 广西 has no value in any part; 天津 is in no trace at all
    fig = {"data": [dict(type="bar", orientation="h", y=["广东省", "北京市", "广西壮族自治区"], x=[2, 0, None], name="a"),
                    dict(type="bar", orientation="h", y=["广东省", "北京市", "广西壮族自治区"], x=[1, 0, float("nan")],
                         name="b")], "layout": {"barmode": "stack"}}
    assert empty_stacks(fig["data"], ["天津市"]) == {"天津市": "none", "北京市": "zero", "广西壮族自治区": "none"}
    label = label_empty_stacks(fig, "zh", ["天津市"])["data"][-1]
    assert (label["y"], label["x"], label["text"]) == (["天津市", "北京市", "广西壮族自治区"], [0, 0, 0],
                                                       ["无数据", "0", "无数据"])
    assert (label["orientation"], label["textposition"], label["showlegend"]) == ("h", "outside", False)
    # upright bars, in English; a chart with nothing empty is left as it was
    upright = {"data": [dict(type="bar", x=["0-5", "6-10", ">10"], y=[3, 0, None]),
                        dict(type="bar", x=["0-5", "6-10", ">10"], y=[1, 0, None])]}
    label = label_empty_stacks(upright, "en")["data"][-1]
    assert (label["x"], label["y"], label["text"]) == (["6-10", ">10"], [0, 0], ["0", "no data"])
    assert label["orientation"] == "v" and label["hoverinfo"] == "skip"
    full = {"data": [dict(type="bar", orientation="h", y=["a"], x=[1])]}
    assert label_empty_stacks(full, "en")["data"] == full["data"] and len(full["data"]) == 1


def test_a_long_region_name_is_broken_onto_two_lines_on_a_bar_axis():
    assert axis_label("XPCC (Xinjiang Production and Construction Corps)") == (
        "XPCC (Xinjiang Production<br>and Construction Corps)")
    assert axis_label("Inner Mongolia") == "Inner Mongolia" and axis_label("新疆维吾尔自治区" * 4) == "新疆维吾尔自治区" * 4


def test_a_titled_chart_is_a_figure_named_by_its_heading():
    box = titled_graph("Overdue <b>below</b>", id="x-bars", figure={"data": [dict(type="bar", y=["a"], x=[1])], "layout": {}},
                       level=3,
                       after=["alt"], config={"displayModeBar": False})
    heading, chart, alt = box.children
    assert box.role == "figure" and getattr(box, "aria-labelledby") == heading.id == "x-bars-title"
    assert type(heading).__name__ == "H3" and heading.children == "Overdue <b>below</b>"   # HTML text: it wraps
    assert chart.id == "x-bars" and chart.config == {"displayModeBar": False} and alt == "alt"
    assert "title" not in chart.figure["layout"]


def test_a_wrapping_header_is_never_narrower_than_its_longest_word():
    assert header_min_width("Steps done") == 72 + 42 and header_min_width("已完成步骤") == 72 + 70
    assert header_min_width("人均年助学金发放金额") == 72 + 70        # a longer run of Chinese may wrap
    frame = pd.DataFrame({"n": [1]})
    grid = data_grid("g", frame, [{"field": "n", "headerName": "Steps done", "minWidth": 100, "wrapHeaderText": True},
                                  {"field": "m", "headerName": "Province", "minWidth": 100},
                                  {"field": "k", "headerName": "Average grant (yuan)", "minWidth": 200,
                                   "wrapHeaderText": True}])
    assert [c["minWidth"] for c in grid.columnDefs] == [114, 100, 200]


def test_grid_rows_are_python_values_with_every_missing_cell_empty():
    """``records_of`` gives what pandas' ``astype(object).where(notna, None).to_dict("records")`` gives, on
    every kind of column a page hands a grid: text with gaps, counts, shares with NaN, nullable integers,
    dates, timestamps with NaT, exact money."""
    frame = pd.DataFrame({
        "code": pd.Series(["11", None, "13"], dtype="str"), "name": ["北京", "天津", "河北"],
        "n": np.array([3, 0, 7], dtype="int64"), "pct": [0.5, np.nan, 1.0],
        "maybe": pd.array([1, None, 2], dtype="Int64"), "due_on": [dt.date(2026, 5, 20), None, dt.date(2026, 6, 6)],
        "at": pd.to_datetime(["2026-01-01", None, "2026-03-01"]), "yuan": [Decimal("1.10"), None, Decimal("0.00")]})
    expected = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert records_of(frame) == expected
    assert records_of(frame)[1] == {"code": None, "name": "天津", "n": 0, "pct": None, "maybe": None, "due_on": None,
                                    "at": None, "yuan": None}
    assert type(records_of(frame)[0]["n"]) is int and records_of(frame.iloc[:0]) == []


def test_the_age_chart_makes_room_for_its_count_labels():
    # a plain figure has no template to size the margins: with the 10 px margin alone, "40" showed as "0"
    buckets = pd.DataFrame({"bucket": ["0-5", "6-10", "11-20", "21-40", "41+"], "n": [40, 20, 22, 21, 8],
                            "overdue": [0, 0, 22, 21, 8]})
    layout = age_figure(buckets, "en")["layout"]
    assert layout["yaxis"]["automargin"] and layout["xaxis"]["automargin"] and layout["yaxis"]["tickformat"] == ",d"
    assert "template" not in layout
