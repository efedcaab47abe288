"""The Word documents an office files (docs/documents.md): the province's draft 6 June report
(``/export/rollout-report.docx``, on tests/fixture_rollout.py) and the briefing as Word
(``/export/briefing.docx``, on tests/fixture_briefing.py), opened with python-docx, on SQLite and PostgreSQL.

Both are laid out to GB/T 9704-2012: A4, margins 37/35/28/26 mm, 22 lines of 28 characters, title 22 pt
方正小标宋简体, body 16 pt 仿宋_GB2312, headings 黑体 and 楷体_GB2312, "— n —" from a PAGE field, no theme
font anywhere. The report's figures table is the province's row of ``/export/rollout.csv`` (the ministry's
nation-level export), field by field and text by text, at two dates; the briefing's headline figures are
those of ``/export/briefing.csv``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from exports.docx_writer import CONDENSE_TWENTIETHS, LINE_TWIPS, signature_indents, text_width
from tests import fixture_briefing, fixture_rollout
from tests.apps import app_fixture, login

app = app_fixture(fixture_rollout.TABLES)
#: the fixture's students: none of them may appear in a document, in full or masked
NAMES = [s["name"] for s in fixture_rollout.STUDENTS]
IDS = [s["id_number"] for s in fixture_rollout.STUDENTS]
THEME = re.compile(r"w:(ascii|hAnsi|eastAsia|cs)[Tt]heme=")


def get_docx(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype.endswith("wordprocessingml.document")
    return docx.Document(io.BytesIO(response.data)), response.data


def fonts(style) -> dict:
    rfonts = style.element.rPr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in rfonts.attrib.items()}


def assert_gbt9704(doc, data: bytes, lang: str):
    """The national layout, read back from the file."""
    section = doc.sections[0]
    # (Word stores twips: to a tenth of a millimetre)
    assert (round(section.page_width.mm, 1), round(section.page_height.mm, 1)) == (210, 297)
    assert [round(m.mm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                     section.right_margin)] == [37, 35, 28, 26]
    # 22 lines at a fixed 28.95 pt on the 225 mm type area; 28 characters of 16 pt set 0.25 pt closer on 156 mm
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == str(LINE_TWIPS) and math.floor(225 / 25.4 * 72 * 20 / LINE_TWIPS) == 22
    normal = doc.styles["Normal"]
    assert normal.paragraph_format.line_spacing == Pt(28.95) and normal.paragraph_format.line_spacing_rule == 4
    condensed = normal.element.rPr.find(qn("w:spacing")).get(qn("w:val"))
    assert int(condensed) == CONDENSE_TWENTIETHS and math.floor(156 / 25.4 * 72 / (16 + int(condensed) / 20)) == 28
    latin = "Times New Roman"
    expected = {"Normal": ("仿宋_GB2312", 16), "GB Title": ("方正小标宋简体", 22), "GB Heading 1": ("黑体", 16),
                "GB Heading 2": ("楷体_GB2312", 16), "GB Page Number": ("宋体", 14)}
    for name, (face, size) in expected.items():
        style = doc.styles[name]
        assert fonts(style) == {"ascii": latin, "hAnsi": latin, "cs": latin, "eastAsia": face, "hint": "eastAsia"}
        assert style.font.size == Pt(size), name
    assert doc.styles["GB Title"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert doc.paragraphs[0].style.name == "GB Title"
    # headings: "一、" in 黑体, "（一）" in 楷体 (I. and (1) in English)
    first, second = ("一、", "（一）") if lang == "zh" else ("I. ", "(1) ")
    assert any(p.text.startswith(first) and p.style.name == "GB Heading 1" for p in doc.paragraphs)
    assert any(p.text.startswith(second) and p.style.name == "GB Heading 2" for p in doc.paragraphs)
    heads = [p for p in doc.paragraphs if p.style.name.startswith("GB Heading")]
    assert all(p.text[:1] in "一二三四五六七八九十（I(V" for p in heads), [p.text for p in heads]
    # the page number: "— n —" around a PAGE field, odd pages right, even pages left
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                        WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.style.name == "GB Page Number" and p.alignment == align
        assert [i.text for i in p._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert p.text == "— 1 —"
    # no theme font left anywhere (Word would obey it before the named face); named fallbacks, nothing embedded
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = package.namelist()
        for name in names:
            if name.endswith(".xml"):
                assert not THEME.search(package.read(name).decode("utf-8")), name
        table = package.read("word/fontTable.xml").decode("utf-8")
    assert not [n for n in names if n.startswith("word/fonts/")] and "embedTrueTypeFonts" not in table
    for face, fallback in (("仿宋_GB2312", "FangSong"), ("黑体", "SimHei"), ("楷体_GB2312", "KaiTi"),
                           ("方正小标宋简体", "SimSun")):
        assert re.search(f'w:name="{face}"><w:altName w:val="{fallback}"/><w:charset w:val="86"/>', table), face


def all_text(doc) -> str:
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def export_row(client, day: str, province: str, lang: str = "zh") -> dict:
    """The province's row of the ministry's nation-level ``/export/rollout.csv``, as text."""
    response = client.get(f"/export/rollout.csv?as_of={day}&year=2025&lang={lang}")
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    return next(r for r in rows if r["code"] == province)


def figures(doc) -> dict:
    table = doc.tables[-1]
    return {row.cells[1].text: row.cells[2].text for row in table.rows[1:]}


@pytest.mark.parametrize("day", ["2025-05-31", "2025-06-10"])
def test_report_figures_are_the_export_row(app, day):
    ministry = login(app.server.test_client(), "ministry")
    gd = login(app.server.test_client(), "gd")
    expected = export_row(ministry, day, "44")
    doc, _ = get_docx(ministry, f"/export/rollout-report.docx?province=44&as_of={day}&year=2025")
    assert figures(doc) == expected
    # the province's own user gets the same document's figures from its own view
    doc, _ = get_docx(gd, f"/export/rollout-report.docx?province=44&as_of={day}&year=2025")
    assert figures(doc) == expected
    for province in ("45", "11", "12"):
        doc, _ = get_docx(ministry, f"/export/rollout-report.docx?province={province}&as_of={day}&year=2025")
        assert figures(doc) == export_row(ministry, day, province)


def test_report_says_what_the_notice_asks(app):
    client = login(app.server.test_client(), "ministry")
    doc, data = get_docx(client, "/export/rollout-report.docx?province=45&as_of=2025-06-10&year=2025")
    assert_gbt9704(doc, data, "zh")
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "广西壮族自治区关于国家中职助学金\n扩围提标政策落实情况的报告"
    assert paragraphs[1] == "人力资源社会保障部技工院校学生资助管理工作办公室："
    assert [p for p in paragraphs if doc.paragraphs[paragraphs.index(p)].style.name == "GB Heading 1"] == [
        "一、政策修订情况", "二、资金发放情况", "三、重点群体保障情况", "四、存在问题和下一步工作"]
    text = all_text(doc)
    # 广西: revised 15 April, tiers 3000/2300/1600; 3 recipients at (1500 + 800 + 800) × 2 / 3 = 2,066.67;
    # record 11 grade 3; by 31 May none paid (11 and 12 paid 3 June), by 10 June 2 of 3; city 南宁 alone
    assert "我区于2025年4月15日修订本地国家助学金政策，分3档设置资助标准，每生每年分别为3000、2300、1600元。" in text
    assert "截至2025年6月10日，全区受助学生年生均助学金2066.67元，低于国家2300元的平均标准。" in text
    assert ("截至2025年6月10日，全区共有3名学生获得春季学期国家助学金，其中三年级学生1名。截至2025年5月31日，已发放0.0%（0/3）。"
            "截至2025年6月10日，已发放66.7%（2/3）。发放进度最慢的地市：南宁市（66.7%）。") in text
    # priority: 301 (registered poor, granted) and 304 (sudden hardship, nothing) → 2, 1 without, 50.0 %
    assert "全区在籍资助重点群体学生2名，其中1名尚未获得国家助学金，覆盖率50.0%。尚未获得的学生中，突发严重困难1名。" in text
    # the shortfalls as sentences, then the province's own text in a marked (highlighted) place
    assert "1．年生均助学金2066.67元，低于国家2300元的平均标准。" in text
    assert "2．截至2025年6月10日，资金发放66.7%，尚未全部发放到位。" in text
    assert "3．1名重点群体学生尚未获得国家助学金。" in text  # 突发严重困难 need not all be covered
    blank = next(p for p in doc.paragraphs if p.text == "【请在此填写下一步工作安排。】")
    assert blank.runs[0].font.highlight_color is not None
    # the sender centred over the date in the standard's form; the attachment on its own page
    assert "广西壮族自治区人力资源和社会保障厅" in paragraphs and "2025年6月10日" in paragraphs
    assert paragraphs[paragraphs.index("2025年6月10日") - 1] == "广西壮族自治区人力资源和社会保障厅"
    assert "附件：扩围提标落实情况数据" in paragraphs and "附件" in paragraphs
    # a municipality's bureau (局), 我市; 天津 has no third-year recipient and never declared funds
    doc, _ = get_docx(client, "/export/rollout-report.docx?province=12&as_of=2025-06-10&year=2025")
    text = all_text(doc)
    assert "天津市人力资源和社会保障局" in text and "我市于2025年6月3日" in text
    assert "1．本地政策于2025年6月3日修订，晚于2025年5月31日。" in text and "三年级学生尚未纳入资助范围。" in text
    # 北京: nothing at all
    doc, _ = get_docx(client, "/export/rollout-report.docx?province=11&as_of=2025-06-10&year=2025")
    text = all_text(doc)
    assert "截至2025年6月10日，我市尚未修订本地国家助学金政策。" in text and "尚无学生获得国家助学金。" in text


def test_report_in_english(app):
    client = login(app.server.test_client(), "ministry")
    doc, data = get_docx(client, "/export/rollout-report.docx?province=44&as_of=2025-06-10&year=2025&lang=en")
    assert_gbt9704(doc, data, "en")
    assert doc.styles["GB Title"].font.bold and doc.styles["GB Heading 1"].font.bold
    text = all_text(doc)
    assert doc.paragraphs[0].text.startswith("Report of Guangdong on Implementing")
    assert "Department of Human Resources and Social Security of Guangdong" in text and "10 June 2025" in text
    assert figures(doc) == export_row(client, "2025-06-10", "44", "en")
    assert "name_en" in figures(doc)


def test_report_scope_and_bad_input(app):
    gd = login(app.server.test_client(), "gd")
    response = gd.get("/export/rollout-report.docx?province=45&as_of=2025-06-10")
    assert response.status_code == 403 and "超出您的数据范围" in response.get_json()["error"]
    assert "广西" not in response.get_data(as_text=True)
    ministry = login(app.server.test_client(), "ministry")
    response = ministry.get("/export/rollout-report.docx?as_of=2025-06-10")
    assert response.status_code == 400 and "province" in response.get_json()["error"]
    # the same messages as the page's: an unknown province, a malformed date, a year the calendar does not know
    for query, status in (("province=99", 404), ("province=44&as_of=2025-02-30", 400),
                          ("province=44&year=2099", 400), ("province=4", 400)):
        response = ministry.get(f"/export/rollout-report.docx?{query}")
        assert response.status_code == status and response.get_json()["error"], query
        page = ministry.get(f"/export/rollout.csv?{query}")
        assert page.get_json() == response.get_json(), query
    assert app.server.test_client().get("/export/rollout-report.docx?province=44").status_code == 302


def test_report_holds_no_personal_data(app):
    client = login(app.server.test_client(), "ministry")
    for province in ("44", "45", "11"):
        response = client.get(f"/export/rollout-report.docx?province={province}&as_of=2025-06-20&year=2025")
        with zipfile.ZipFile(io.BytesIO(response.data)) as package:
            xml = "".join(package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml"))
        assert not [s for s in NAMES + IDS if s in xml]
        assert not re.search(r"\d{6}\*+\d{4}", xml)  # nor a masked ID number


def test_signature_indents():
    # a sender longer than the date: two characters from the right, the date starting two characters later
    assert text_width("2025年6月10日") == 6.5
    assert signature_indents("广东省人力资源和社会保障厅", "2025年6月10日") == (2.0, 6.5)
    # a short sender: centred over a date four characters from the right
    assert signature_indents("某某厅", "2025年6月6日") == (5.5, 4.0)


# -- the briefing as Word ------------------------------------------------------------------------------------

briefing_app = app_fixture(fixture_briefing.TABLES)


def test_briefing_docx_has_the_csv_headlines(briefing_app):
    client = login(briefing_app.server.test_client(), "leader")
    view = "as_of=2025-06-10&year=2025"
    doc, data = get_docx(client, f"/export/briefing.docx?{view}")
    assert_gbt9704(doc, data, "zh")
    assert doc.paragraphs[0].text == "全国技工院校学生资助工作简报"
    rows = list(csv.DictReader(io.StringIO(client.get(f"/export/briefing.csv?{view}").data.decode("utf-8-sig"))))
    table = doc.tables[0]
    cells = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    heads = [r for r in rows if r["section"] == "headline"]
    assert len(heads) == 20  # every area, the funding gap's two included
    for r in heads:
        shown = cells[r["label"]]
        value = float(r["value"]) if r["value"] else None
        if value is None:
            assert shown[2].split(" ")[0] == "—", r["label"]
        else:
            assert shown[2] in (f"{value:.1f}%", f"{int(value):,}") or shown[2].startswith(
                (f"{value:.1f}% (", f"{int(value):,} (")), (r["label"], shown)
        for when, col in (("week", 3), ("month", 4)):
            change = r[f"change_{when}"]
            if change:
                assert shown[col].split(" ")[0] in (f"{float(change):+.1f}", f"{int(float(change)):+,d}", "0",
                                                    "0.0"), (r["label"], when, shown)
    text = all_text(doc)
    assert "80.0% (4/5)" in text and "+5.0 (75.0%)" in text
    assert "春季资助审批完成80.0%（4/5，尚差1），已逾期14个工作日，一周内无进展；进度最慢的省份：广东省（66.7%）。" in text
    # the map's figures and the laggards as tables
    laggards = [r for r in rows if r["section"] == "laggard" and r["area"] == "deadlines"]
    for r in laggards:
        assert r["name"] in text
    assert "北京市" in text and "0/1" in text


def test_briefing_docx_in_english_and_scoped(briefing_app):
    client = login(briefing_app.server.test_client(), "gd")
    doc, data = get_docx(client, "/export/briefing.docx?as_of=2025-06-10&year=2025&lang=en")
    assert_gbt9704(doc, data, "en")
    text = all_text(doc)
    assert doc.paragraphs[0].text == "Student aid briefing: Guangdong" and "Beijing" not in text
    assert client.get("/export/briefing.docx?as_of=2025-06-10&province=45").status_code == 404
    assert client.get("/export/briefing.docx?as_of=2025-13-01").status_code == 400
