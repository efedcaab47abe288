"""The leadership briefing on a registry composed of the other pages' fixtures (tests/fixture_briefing.py),
on SQLite and PostgreSQL: its numbers, sentences, PDF, XLSX, scope, landing page and shared cache.

As of Tue 10 June 2025 (the snapshot), a week before (3 June) and a month before (11 May); every number
is worked out by hand below from the fixtures it comes from:

- spring registration (tests/fixture_deadlines.py): reported new 4+1+2+3+0 = 10; registered by D: students
  101, 102, 103, 105, 106, 107, 108, 109 = 8 → 80.0 %, the same on 3 June and on 11 May (103: 6 May).
- spring aid approval: not rejected and submitted by D: records 1, 2, 3, 5, 6 (4 is rejected) = 5; approved
  by D: 1, 2, 5, 6 = 4 → 80.0 %, overdue since 20 May (14 working days: 21–30 May, 3–10 June; the Dragon Boat
  days 31 May – 2 June are off). 3 June: the same. 11 May: record 3 (submitted 12 May) not yet, approved 1,
  5, 6 → 3/4 = 75.0 %. 广东: 1, 2, 3 with 1 and 2 approved → 66.7 %; 广西 done; 北京 has none.
- funds: grants 2, 5, 6 approved by D and all paid by D (5 on 3 June) → 100 %; 11 May: 5 and 6 approved,
  none paid yet → 0/2.
- written reports: 广东 6 June (on time), 广西 9 June (late, 1 working day), 北京 none (2 working days
  overdue) → 2/3 = 66.7 %; none on 3 June.
- duplicates (tests/fixture_duplicates.py): by D only January's matches 1 and 2 exist, both closed → 0 open.
- backlog (tests/fixture_backlog.py): change 2 (withdraw, recorded 14 May, approval due 28 May, never
  decided) is overdue for approval on 10 and 3 June, not yet on 11 May (it was recorded on 14 May); nothing
  unrecorded is overdue (change 6 of 3 June is due 17 June). Phantom suspects: 1202 (rule 1: change 2),
  1207 (rule 2: suspended 1 March 2023), 1215 (rule 3: enrolled 2020 on three years) = 3 on all three dates;
  1215 is in 广西.
- inspections (tests/fixture_inspections.py, schools 11–15): schools open at D: 1–5 and 11–15 (14 closes
  only on 31 August) = 10; inspected in 2025 by D: 12 (10 June), 14 (1 March), 15 (15 April, serious) = 3
  → 30.0 %; by 3 June and 11 May: 14 and 15 → 20.0 %. 广东: schools 1, 2, 3, 11–14 = 7, inspected 12 and
  14 → 28.6 %, no serious finding.
- record approval (tests/fixture_deadlines.py's students, none ever approved): the 2025 spring intake
  registered by D, 101–103 and 105–109 = 8 awaiting (广东 5: 101, 102, 103, 105, 106; 广州 4 of them), all
  past due(registered_on, 10) on 10 and 3 June (the latest, 103 of 6 May, was due 20 May). On 11 May only
  four were: 101 (10 March), 107 (10 April, due 24 April), 108 (11 April, due 25 April) and 109 (14 April,
  due on the make-up Sunday 27 April); 102 (27 April) was due 14 May, 105, 106 and 103 later.
- graduation: the fixtures have no graduates → 0 everywhere.
"""

from __future__ import annotations

import io
import json
import re
import subprocess

import pandas as pd
from flask_login import login_user
from fpdf import FPDF
from pypdf import PdfReader

from dashboard import landing
from queries import appdb
from dashboard.auth import User
from exports.briefing_pdf import find_font
from aidwatch.i18n import t
from exports.pdf_identity import IdentityFontsProducer
from queries.registry import QueryTimeout
from queries import inspections
from tests import fixture_briefing
from tests.apps import app_fixture, chart_titles, forget, login, post_content, text_of

VIEW = "as_of=2025-06-10&year=2025"

app = app_fixture(fixture_briefing.TABLES)

NATION_ZH = [
    "截至2025年6月10日，已有2个省份报送书面报告（其中1个逾期报送），1个省份逾期未报：北京市。",
    "春季资助审批完成80.0%（4/5，尚差1），已逾期14个工作日，一周内无进展；进度最慢的省份：广东省（66.7%）。",
    "重复资助比对结果均已办结。",
    "学籍异动逾期未办理0条、逾期未审批1条，疑似长期空挂学籍3人。",
    "本年度已检查3所学校，覆盖率30.0%（3/10），发现严重问题1个。",
    "新生学籍待审批8人，其中超过10个工作日监测口径8人（一周前8人）；逾期最多的省份：广东省（5）、广西壮族自治区（3）。",
    "毕业生数据逾期未上传0人、逾期未审批0人，已审批但证书未能在线查询0人。",
    "2025年春季学期资金缺口：1,049名在校学生未申报或未获审批，金额暂无法估算；缺口最大的省份：广东省（751,425元）、"
    "广西壮族自治区（345,000元）。",
]
NATION_EN = [
    "As of 10 June 2025, 2 provinces have submitted the written report (1 of them late); 1 province is overdue: "
    "Beijing.",
    "Spring aid approval: 80.0% (4/5, 1 to go) done, 14 working days overdue, no progress in the past week; furthest "
    "behind: Guangdong (66.7%).",
    "Duplicate aid: every match is closed.",
    "Status changes: 0 unrecorded past the limit, 1 approval overdue; 3 suspected phantom enrolments.",
    "Inspections this year: 3 of 10 schools (30.0%), 1 serious finding.",
    "Record approval: 8 records awaiting approval, 8 of them past the dashboard's 10-working-day convention (8 a "
    "week before); most behind: Guangdong (5), Guangxi (3).",
    "Graduation: 0 graduates not uploaded and 0 not approved past the convention, 0 approved without a "
    "certificate online.",
    "Funding gap, spring term 2025: 1,049 students at school not declared or not approved; the gap cannot be "
    "priced yet; largest: Guangdong (¥751,425), Guangxi (¥345,000).",
]
GD_ZH = [
    "截至2025年6月10日，广东省已于6月6日按时报送书面报告。",
    "春季资助审批完成66.7%（2/3，尚差1），已逾期14个工作日，一周内无进展；进度最慢的地市：广州市（66.7%）。",
    "重复资助比对结果均已办结。",
    "学籍异动逾期未办理0条、逾期未审批1条，疑似长期空挂学籍2人。",
    "本年度已检查2所学校，覆盖率28.6%（2/7），发现严重问题0个。",
    "新生学籍待审批5人，其中超过10个工作日监测口径5人（一周前5人）；逾期最多的地市：广州市（4）、深圳市（1）。",
    "毕业生数据逾期未上传0人、逾期未审批0人，已审批但证书未能在线查询0人。",
    "2025年春季学期资金缺口：699名在校学生未申报或未获审批，估算缺口约751,425元（上限）；缺口最大的地市：广州市（536,425元）、"
    "深圳市（215,000元）。",
]


def component(tree, component_id: str):
    """The component with ``component_id`` in a callback's JSON output."""
    if isinstance(tree, list):
        return next((c for c in (component(t, component_id) for t in tree) if c is not None), None)
    if isinstance(tree, dict):
        props = tree.get("props", tree)
        if props.get("id") == component_id:
            return tree
        return next((c for c in (component(v, component_id) for v in props.values()) if c is not None), None)
    return None


def sentences_of(response) -> list[str]:
    items = component(json.loads(response.get_data(as_text=True)), "br-sentences")["props"]["children"]
    return [item["props"]["children"] for item in items]


def flat(text: str) -> str:
    """Text without white space (where a line breaks differs between the PDF and the page)."""
    return re.sub(r"\s+", "", text)


def extracted(data: bytes) -> dict[str, str]:
    """A PDF's text as each reader people use extracts it: pypdf and poppler's pdftotext."""
    reader = PdfReader(io.BytesIO(data))
    poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True, check=True)
    return {"pypdf": "".join(page.extract_text() for page in reader.pages),
            "pdftotext": poppler.stdout.decode("utf-8")}


def xlsx(client, query=VIEW) -> pd.DataFrame:
    response = client.get(f"/export/briefing.xlsx?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return pd.read_excel(io.BytesIO(response.data), dtype={"code": str})


def pdf_text(client, query=VIEW) -> tuple[str, PdfReader]:
    """The PDF's text as pypdf reads it, white space removed, after checking that pypdf and pdftotext
    read the same characters (no NUL or other control character between the glyphs)."""
    response = client.get(f"/export/briefing.pdf?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/pdf"
    texts = extracted(response.data)
    for reader, text in texts.items():
        assert not re.search(r"[\x00-\x08\x0e-\x1f]", text), reader
    assert sorted(flat(texts["pypdf"])) == sorted(flat(texts["pdftotext"]))  # the same characters, any order
    return flat(texts["pypdf"]), PdfReader(io.BytesIO(response.data))


def test_sentences_in_both_languages(app):
    client = login(app.server.test_client(), "leader")
    assert sentences_of(post_content(client, "br", {"as_of": "2025-06-10"})) == NATION_ZH
    assert sentences_of(post_content(client, "br", {"as_of": "2025-06-10", "lang": "en"})) == NATION_EN


def test_headline_numbers_and_their_comparisons(app):
    frame = xlsx(login(app.server.test_client(), "leader"))
    heads = frame[frame["section"] == "headline"].set_index("metric")
    cols = ["value", "done", "total", "status", "week_value", "month_value", "change_week", "change_month"]

    def row(metric):
        return [None if pd.isna(v) else v for v in heads.loc[metric, cols]]

    assert list(heads.index) == ["spring_registration", "autumn_registration", "spring_aid_approval",
                                 "autumn_aid_approval", "rollout_funds", "rollout_report", "open", "overdue",
                                 "unrecorded_overdue", "overdue_approval", "phantom_suspects", "coverage_pct",
                                 "serious_findings", "awaiting_approval", "approval_overdue", "upload_overdue",
                                 "approval_overdue", "approved_no_certificate", "gap_students", "gap_yuan"]
    assert row("spring_registration") == [80.0, 8, 10, "overdue", 80.0, 80.0, 0.0, 0.0]
    assert row("spring_aid_approval") == [80.0, 4, 5, "overdue", 80.0, 75.0, 0.0, 5.0]
    assert row("rollout_funds") == [100.0, 3, 3, "done", 100.0, 0.0, 0.0, 100.0]
    assert row("rollout_report") == [66.7, 2, 3, "overdue", 0.0, 0.0, 66.7, 66.7]
    assert row("autumn_aid_approval") == [None, 0, 0, "no_data", None, None, None, None]
    assert row("open")[:1] + row("overdue")[:1] == [0, 0]
    assert row("unrecorded_overdue") == [0, None, None, None, 0, 0, 0, 0]
    assert row("overdue_approval") == [1, None, None, None, 1, 0, 0, 1]
    assert row("phantom_suspects") == [3, None, None, None, 3, 3, 0, 0]
    assert row("coverage_pct") == [30.0, 3, 10, None, 20.0, 20.0, 10.0, 10.0]
    assert row("serious_findings") == [1, None, None, None, 1, 1, 0, 0]
    assert row("awaiting_approval") == [8, None, None, None, 8, 8, 0, 0]
    records = heads[heads["area"] == "records"]
    assert records.loc["approval_overdue", cols].tolist()[4:] == [8, 4, 0, 4]
    assert heads[heads["area"] == "graduation"]["value"].tolist() == [0, 0, 0]
    assert set(heads["as_of"]) == {"2025-06-10"} and set(heads["week_as_of"]) == {"2025-06-03"}
    assert set(heads["month_as_of"]) == {"2025-05-11"}
    # every number links to the page and view it comes from
    assert heads.loc["spring_aid_approval", "link"].endswith(
        "/deadlines?as_of=2025-06-10&year=2025&deadline=spring_aid_approval")
    assert heads.loc["phantom_suspects", "link"].endswith("/backlog?as_of=2025-06-10&year=2025")
    # live deadlines and who is behind: 广东 on approvals, 北京 on the report; the map shows the reports
    lag = frame[(frame["section"] == "laggard") & (frame["area"] == "deadlines")]
    assert lag[["metric", "rank", "code", "name", "value", "done", "total"]].values.tolist() == [
        ["spring_aid_approval", 1, "44", "广东省", 66.7, 2, 3], ["rollout_report", 1, "11", "北京市", 0.0, 0, 1]]
    # record approval: the provinces with the most records overdue, linking to the records page one level down
    behind = frame[(frame["section"] == "laggard") & (frame["area"] == "records")]
    assert behind[["rank", "code", "value"]].values.tolist() == [[1, "44", 5], [2, "45", 3]]
    assert behind["link"].iloc[0].endswith("/records?as_of=2025-06-10&year=2025&province=44")
    # the funding gap (tests/fixture_deadlines.py's headcounts; 2025 spring): 广东 699 students (schools 1–3:
    # 399 + 100 + 200 undeclared; s101's tuition approved) × (1000 + 1150) / 2 = 1075.00 → 751,425; 广西 300 ×
    # 1150.00 (s107, s108: grants, the revoked one stays approved) = 345,000; 北京 50 with no approved record:
    # the nation's yuan cannot be priced
    assert heads.loc["gap_students", "value"] == 1049 and pd.isna(heads.loc["gap_yuan", "value"])
    behind = frame[(frame["section"] == "laggard") & (frame["area"] == "funding")]
    assert behind[["rank", "code", "value"]].values.tolist() == [[1, "44", 751425], [2, "45", 345000]]
    assert behind["link"].iloc[0].endswith("/funding?as_of=2025-06-10&year=2025&province=44")
    assert lag["link"].iloc[0].endswith(
        "/deadlines?as_of=2025-06-10&year=2025&province=44&deadline=spring_aid_approval")
    tiles = frame[frame["section"] == "map"]
    assert set(tiles["metric"]) == {"rollout_report"}
    assert dict(zip(tiles["code"], tiles["value"])) == {"11": 0.0, "44": 100.0, "45": 100.0}


def test_pdf_has_the_figures_and_the_words_as_text(app):
    client = login(app.server.test_client(), "leader")
    text, reader = pdf_text(client)
    assert flat("全国技工院校学生资助工作简报") in text and flat("截至2025年6月10日·2025年度") in text
    for sentence in NATION_ZH:
        assert flat(sentence) in text
    for figure in ("80.0%(8/10)", "80.0%(4/5)", "100.0%(3/3)", "66.7%(2/3)", "30.0%(3/10)", "+5.0(75.0%)",
                   "+10.0(20.0%)", "+66.7(0.0%)", "广东省66.7%2/3", "北京市0.0%0/1"):
        assert figure in text, figure
    assert flat("截至日2025-06-10·数据截至2025-06-10 18:00") in text  # the footer
    # the headings and numbers as a reader copies them out, by pypdf and by pdftotext alike
    for tool, raw in extracted(client.get(f"/export/briefing.pdf?{VIEW}").data).items():
        lines = {line.strip() for line in raw.splitlines()}
        assert "全国技工院校学生资助工作简报" in lines, (tool, raw)
        for words in ("截至2025年6月10日", "80.0%", "(8/10)", "66.7%", "(2/3)", "+5.0", "30.0%", "(3/10)"):
            assert words in raw, (tool, words)
    # the font is embedded (a subset), so the Chinese text prints anywhere
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    descriptors = [font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object() for font in fonts]
    assert descriptors and all("/FontFile3" in d or "/FontFile2" in d for d in descriptors)
    links = [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots", [])]
    assert any(u.endswith("/deadlines?as_of=2025-06-10&year=2025&deadline=spring_aid_approval") for u in links)
    text, _ = pdf_text(client, VIEW + "&lang=en")
    for sentence in NATION_EN:
        assert flat(sentence) in text
    assert flat("Student aid briefing: Nation") in text


def test_identity_encoding_draws_the_same_page_and_reads_back_exactly():
    """Re-keying the font to Identity-H (exports.pdf_identity) changes how the text is encoded, not what
    is drawn: the page rasterises to fpdf2's own pixels (same glyphs, same widths), and both readers give
    back exactly the text that was written."""
    font = find_font(None)
    words = "全国技工院校学生资助工作简报 80.0% (8/10) 截至2025年6月10日·2025年度 Nation +5.0 −3 粤桂京"

    def draw(**producer) -> bytes:
        pdf = FPDF()
        pdf.add_font("cjk", "", font.path, collection_font_number=font.index)
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        pdf.multi_cell(90, 8, words)
        return bytes(pdf.output(**producer))

    def pixels(data: bytes) -> bytes:
        return subprocess.run(["pdftoppm", "-r", "100", "-gray", "-"], input=data, capture_output=True,
                              check=True).stdout

    ours = draw(output_producer_class=IdentityFontsProducer)
    assert len(pixels(ours)) > 100_000 and pixels(ours) == pixels(draw())
    (cjk,) = PdfReader(io.BytesIO(ours)).pages[0]["/Resources"]["/Font"].values()
    assert cjk.get_object()["/Encoding"] == "/Identity-H"
    for tool, text in extracted(ours).items():
        assert text.split() == words.split(), tool


def test_a_province_user_sees_only_their_province(app):
    client = login(app.server.test_client(), "gd")
    response = post_content(client, "br", {"as_of": "2025-06-10"})
    body = text_of(response)
    assert sentences_of(response) == GD_ZH
    assert "广东省技工院校学生资助工作简报" in body and "北京市" not in body and "广西" not in body
    text, _ = pdf_text(client)
    assert flat("广东省技工院校学生资助工作简报") in text and flat(GD_ZH[1]) in text
    assert "北京市" not in text and "广西" not in text
    frame = xlsx(client)
    assert set(frame["code"]) == {"44", "440100", "440300"}
    heads = frame[frame["section"] == "headline"].set_index("metric")
    assert heads.loc["coverage_pct", ["value", "done", "total"]].tolist() == [28.6, 2, 7]
    assert heads.loc["phantom_suspects", "value"] == 2
    assert heads.loc["rollout_report", ["done", "total", "status"]].tolist() == [1, 1, "done"]
    # another province's briefing is refused like every other export and page
    for path in ("/export/briefing.pdf", "/export/briefing.xlsx", "/briefing"):
        assert client.get(f"{path}?{VIEW}&province=45").status_code == 404, path
    assert post_content(client, "br", {"province": "45"}).status_code == 200  # the callback: a message
    assert "aw-message" in text_of(post_content(client, "br", {"province": "45"}))


def test_ministry_reads_a_province_and_bad_views_are_refused(app):
    client = login(app.server.test_client(), "ministry")
    assert sentences_of(post_content(client, "br", {"as_of": "2025-06-10", "province": "44"})) == GD_ZH
    response = client.get(f"/export/briefing.xlsx?{VIEW}&city=440100")
    assert response.status_code == 400 and "province" in response.get_json()["error"]
    assert client.get("/export/briefing.pdf?as_of=2025-13-01").status_code == 400


def test_downloads_are_audited(app):
    client = login(app.server.test_client(), "gd")
    client.get(f"/export/briefing.pdf?{VIEW}")
    client.get(f"/export/briefing.xlsx?{VIEW}")
    engine = app.server.extensions["aidwatch_app_db"]
    actions = [r["action"] for r in appdb.audit_rows(engine, user="gd", action="export", limit=2)]
    assert actions == ["export:briefing.xlsx", "export:briefing.pdf"]


def test_leadership_lands_on_the_briefing(app):
    engine = app.server.extensions["aidwatch_app_db"]
    for username, store in (("leader", "br-view"), ("ministry", "dl-view"), ("gd", "dl-view")):
        with app.server.test_request_context("/"):
            login_user(User.from_row(appdb.get_user(engine, username)))
            assert f"'{store}'" in repr(landing()), username


def test_inputs_are_the_pages_own_cached_queries(app):
    """The briefing reads its inputs through the registry's cache under the pages' own keys: after the
    deadline page, none of the deadline queries runs again; a second briefing runs nothing at all."""
    reg = app.server.extensions["aidwatch_registry"]
    reg.cache.clear()
    ran = []
    original = reg._execute

    def counting(fn, scope, *args):
        ran.append(fn.__qualname__)
        return original(fn, scope, *args)

    reg._execute = counting
    try:
        client = login(app.server.test_client(), "ministry")
        post_content(client, "dl", {"as_of": "2025-06-10"})
        ran.clear()
        post_content(client, "br", {"as_of": "2025-06-10"})
        assert ran and not {"headcount_new", "registrations", "aid_days", "report_days"} & set(ran)
        # every input is grouped by day: each runs once for all three dates
        # (the children of the nation are the deadline page's, already cached)
        assert sorted(ran) == sorted(["duplicate_series", "record_days", "graduation_days", "change_days",
                                      "suspect_days", "coverage_days", "student_days", "province_days", "money_days",
                                      "schools"])
        ran.clear()
        post_content(client, "br", {"as_of": "2025-06-10"})
        assert ran == []
    finally:
        del reg._execute


def test_one_failing_source_leaves_the_other_areas_standing(app, monkeypatch):
    """A query of one area that fails (here: cancelled by the statement timeout) is said in its area;
    the other areas, the sentences about them and the downloads still come."""
    def cancelled(conn, scope, *args):
        raise QueryTimeout("canceling statement due to statement timeout")

    monkeypatch.setattr(inspections, "coverage_days", cancelled)
    forget(app)  # earlier tests rendered this view: its results and its answer must not come from their caches
    client = login(app.server.test_client(), "leader")
    response = post_content(client, "br", {"as_of": "2025-06-10"})
    row = component(json.loads(response.get_data(as_text=True)), "br-area-inspections")
    assert t("br_unavailable", reason=t("query_timeout")) in json.dumps(row, ensure_ascii=False)
    assert sentences_of(response) == NATION_ZH[:4] + NATION_ZH[5:]
    frame = xlsx(client)
    assert "coverage_pct" not in set(frame["metric"]) and "spring_aid_approval" in set(frame["metric"])


def test_the_map_is_named_by_a_heading_above_it(app):
    """Not by a Plotly title, which the phone's scrolling box cut off (figure.titled_graph)."""
    client = login(app.server.test_client(), "ministry")
    assert chart_titles(post_content(client, "br", {"as_of": "2025-06-10"})) == {"br-tiles": "各省份进度：省级书面报告"}
    assert chart_titles(post_content(client, "br", {"as_of": "2025-06-10", "lang": "en"})) == {
        "br-tiles": "Progress by province: Provincial written report"}
    assert list(chart_titles(post_content(client, "br", {"as_of": "2025-06-10", "province": "44"}))) == ["br-bars"]
