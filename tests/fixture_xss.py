"""Registry text that is markup or a spreadsheet formula (tests/test_xss.py, tests/test_browser_xss.py).

Schools, cities and provinces name themselves in the registry; these names
must reach the screen as text — in the grids, the breadcrumb and every chart
(Plotly draws ``<a href>`` in its labels as a live link) — and exports as
text too.

``TABLES``: the deadline fixture with two hostile schools and a hostile city.
``EVERY_PAGE``: the briefing's registry (every page's fixture side by side,
and an odd row for the quality page) with every school, city and province
named with markup, for the charts of every page.
"""

import copy

from tests import fixture_briefing, fixture_deadlines, fixture_quality

IMG = "<img src=x onerror=alert(1)>"
LINK = '<a href="https://evil.example">请重新登录</a>'
SCHOOL_1 = IMG + LINK + "交通技师学院"
SCHOOL_2 = '=HYPERLINK("https://evil.example/","点此")'
CITY = "<b onmouseover=alert(2)>广州市</b>"
#: a province named as a link too (the contract allows 32 characters)
PROVINCE = '<a href="//e.cn">{}</a>'

TABLES = copy.deepcopy(fixture_deadlines.TABLES)
for school in TABLES["school"]:
    school["name"] = {1: SCHOOL_1, 2: SCHOOL_2}.get(school["id"], school["name"])
for city in TABLES["city"]:
    if city["code"] == "440100":
        city["name"] = CITY

EVERY_PAGE = copy.deepcopy(fixture_briefing.TABLES)
EVERY_PAGE["student"].append(fixture_quality.STUDENTS[1])  # registered before enrolled: the quality chart
for school in EVERY_PAGE["school"]:
    school["name"] = LINK + school["name"]
for city in EVERY_PAGE["city"]:
    city["name"] = f"<b onmouseover=alert(2)>{city['name']}</b>"
for province in EVERY_PAGE["province"]:
    province["name"] = PROVINCE.format(province["name"])
