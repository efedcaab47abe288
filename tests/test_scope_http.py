"""Scope and bad input over HTTP: forged export URLs and forged callback POSTs, on both databases."""

from __future__ import annotations

import pytest

from tests import fixture_deadlines
from tests.apps import app_fixture, login, post_content, text_of


app = app_fixture(fixture_deadlines.TABLES)


def render(client, view: dict):
    return post_content(client, "dl", view)


def test_province_user_export_is_their_province_only(app):
    client = login(app.server.test_client(), "gd")
    text = client.get("/export/deadlines.csv?as_of=2025-06-10&year=2025").data.decode("utf-8-sig")
    codes = {line.split(",")[1] for line in text.splitlines()[1:]}
    assert codes == {"440100", "440300"}
    assert "广西" not in text and "北京" not in text


@pytest.mark.parametrize("query", ["province=45", "city=450100", "school=4", "province=44&school=4"])
def test_province_user_cannot_export_another_province(app, query):
    client = login(app.server.test_client(), "gd")
    response = client.get(f"/export/deadlines.csv?as_of=2025-06-10&year=2025&{query}")
    assert response.status_code == 404
    body = text_of(response)
    assert "error" in response.json and "南宁" not in body and "广西" not in body


def test_forged_callback_for_another_province_gets_a_message_not_data(app):
    client = login(app.server.test_client(), "gd")
    response = render(client, {"province": "45", "as_of": "2025-06-10", "year": "2025"})
    body = text_of(response)
    assert response.status_code == 200
    assert "超出您的数据范围" in body
    assert "南宁" not in body and "广西" not in body
    # the same callback with the user's own province renders its cities
    body = text_of(render(client, {"province": "44", "as_of": "2025-06-10", "year": "2025"}))
    assert "广州市" in body and "深圳市" in body


#: as a Guangdong user: regions of other provinces (45: 南宁, school 4; 11: 东城区, school 5) and regions that do not
#: exist, alone and under a parent of the user's own; the same as the pages, exports and callbacks ask for them
NOT_YOURS = ["province=45", "city=450100", "school=4", "school=5", "city=440100&school=5", "province=44&school=4"]
DOES_NOT_EXIST = ["province=99", "city=999999", "school=99999", "city=440100&school=99999"]


def test_not_yours_and_does_not_exist_get_one_answer_naming_nothing(app):
    """Scope first: another province's region and a missing one are told apart by nothing, on every channel."""
    client = login(app.server.test_client(), "gd")
    answers = {"page": set(), "export": set(), "callback": set()}
    for query in NOT_YOURS + DOES_NOT_EXIST:
        page = client.get(f"/deadlines?as_of=2025-06-10&{query}")
        export = client.get(f"/export/deadlines.csv?as_of=2025-06-10&{query}")
        callback = render(client, {"as_of": "2025-06-10", **dict(p.split("=") for p in query.split("&"))})
        answers["page"].add((page.status_code, page.get_data(as_text=True)))
        answers["export"].add((export.status_code, text_of(export)))
        answers["callback"].add((callback.status_code, text_of(callback)))
    for channel, seen in answers.items():
        assert len(seen) == 1, (channel, seen)
        status, body = seen.pop()
        assert status == (200 if channel == "callback" else 404)
        assert "所请求的地区不存在或超出您的数据范围" in body
        for other in ("45", "11", "110101", "450100", "南宁", "北京", "东城", "广西"):
            assert other not in body.replace("2025-06-10", ""), (channel, other)


def test_forged_callback_with_wrong_types_is_refused_cleanly(app):
    client = login(app.server.test_client(), "ministry")
    for view in ({"as_of": ["x"], "year": {"a": 1}}, {"school": "1; DROP TABLE student"}, "not a dict", None):
        response = render(client, view)
        assert response.status_code == 200
        assert "Traceback" not in text_of(response)


def test_leadership_sees_schools_but_no_case_lists(app):
    client = login(app.server.test_client(), "leader")
    assert client.get("/export/deadlines.csv?year=2025&as_of=2025-05-20&city=440100").status_code == 200
    # the school's page shows its figures, not its cases: its export is the school's own rows
    response = client.get("/export/deadlines.csv?year=2025&as_of=2025-05-20&school=1")
    assert response.status_code == 200
    lines = response.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "deadline,code,name,due_on,done,total,pct_done,working_days_left,status"
    assert lines[1:] and all(",4401001,广州市交通技师学院," in line for line in lines[1:])
    assert "王" not in response.data.decode("utf-8-sig")
    body = text_of(render(client, {"school": "1", "as_of": "2025-05-20", "year": "2025"}))
    assert "仅查看汇总" in body and "王" not in body


def test_case_export_is_masked(app):
    client = login(app.server.test_client(), "ministry")
    text = client.get("/export/deadlines.csv?year=2025&as_of=2025-04-30&school=1&deadline=spring_registration"
                      ).data.decode("utf-8-sig")
    assert text.splitlines()[1:] == [
        "spring_registration,欧**玲,440106********3456,2025S,2025-03-03,2025-05-06,enrolled",
        "spring_registration,王*,440106********4567,2025S,2025-03-03,,enrolled",
    ]


def test_xlsx_export_opens_with_the_same_numbers(app, tmp_path):
    import openpyxl

    client = login(app.server.test_client(), "ministry")
    response = client.get("/export/deadlines.xlsx?year=2025&as_of=2025-06-10")
    assert response.status_code == 200
    path = tmp_path / "d.xlsx"
    path.write_bytes(response.data)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("deadline", "code", "name", "due_on", "done")
    report = [r for r in rows if r[0] == "rollout_report" and r[1] == "11"][0]
    assert report[4:6] == (0, 1) and report[-1] == "overdue"


@pytest.mark.parametrize("query,status", [
    ("as_of=2025-13-01", 400), ("as_of=yesterday", 400), ("year=abc", 400), ("year=1999", 400),
    ("province=99", 404), ("city=999999", 404), ("school=987654", 404), ("school=abc", 400),
    ("deadline=whenever", 400), ("lang=fr", 400),
])
def test_bad_parameters_get_a_clear_4xx(app, query, status):
    client = login(app.server.test_client(), "ministry")
    response = client.get(f"/export/deadlines.csv?{query}")
    assert response.status_code == status
    assert response.json["error"]


def test_nothing_without_a_login(app):
    client = app.server.test_client()
    assert client.get("/export/deadlines.csv").status_code == 302
    assert render(client, {}).status_code == 401
    assert client.get("/deadlines").status_code == 302


def test_security_headers_on_pages_and_data(app):
    client = login(app.server.test_client(), "ministry")
    for path in ("/deadlines", "/_dash-layout", "/export/deadlines.csv", "/login"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in \
            csp.split("script-src", 1)[1].split(";", 1)[0]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url,status,text", [
    ("/deadlines?as_of=2025-02-30", 400, "as_of"),
    ("/deadlines?province=45", 404, "所请求的地区不存在或超出您的数据范围"),
    ("/deadlines?school=99999", 404, "所请求的地区不存在或超出您的数据范围"),
    ("/no-such-page", 404, "页面不存在"),
    ("/deadlines?province=44&lang=en", 200, ""),
])
def test_page_urls_answer_with_a_real_status(app, url, status, text):
    client = login(app.server.test_client(), "gd")
    response = client.get(url)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)
