"""The deadline fixture with registry text that is markup or a spreadsheet formula (tests/test_xss.py).

Schools, cities and provinces name themselves in the registry; these names
must reach the screen as text, and exports as text too.
"""

import copy

from tests import fixture_deadlines

IMG = "<img src=x onerror=alert(1)>"
SCHOOL_1 = IMG + "交通技师学院"
SCHOOL_2 = '=HYPERLINK("https://evil.example/","点此")'
CITY = "<b onmouseover=alert(2)>广州市</b>"

TABLES = copy.deepcopy(fixture_deadlines.TABLES)
for school in TABLES["school"]:
    school["name"] = {1: SCHOOL_1, 2: SCHOOL_2}.get(school["id"], school["name"])
for city in TABLES["city"]:
    if city["code"] == "440100":
        city["name"] = CITY
