"""English region names: the reference table, its generator, and the deadline page and export in English."""

from __future__ import annotations

import csv
import io

from aidwatch import reference
from aidwatch.reference_names import english_city_name
from tests import fixture_deadlines as fx
from tests.apps import app_fixture, login, open_view

app = app_fixture(fx.TABLES)

#: The fixture's province and city names: none may reach an English page or export.
CHINESE_REGION_NAMES = [p["name"] for p in fx.PROVINCES] + [c["name"] for c in fx.CITIES]
VIEW = {"as_of": "2025-06-10", "year": "2025", "lang": "en"}


def test_every_province_has_an_english_name():
    names = {p["code"]: p["name_en"] for p in reference.provinces()}
    assert len(names) == 32 and names["44"] == "Guangdong" and names["66"].startswith("XPCC")
    assert all(n and n.isascii() for n in names.values())


def test_every_city_has_an_ascii_english_name():
    cities = reference.cities()
    assert len(cities) == 439
    assert all(c["name_en"] and c["name_en"].isascii() and c["name_en"][0].isupper() for c in cities)
    by_code = {c["code"]: c["name_en"] for c in cities}
    assert by_code["440100"] == "Guangzhou" and by_code["110105"] == "Chaoyang District"


def test_the_generator_forms():
    assert english_city_name("广州市") == "Guangzhou"
    assert english_city_name("西双版纳傣族自治州") == "Xishuangbanna Dai Autonomous Prefecture"
    assert english_city_name("黔东南苗族侗族自治州") == "Qiandongnan Miao and Dong Autonomous Prefecture"
    assert english_city_name("西安市") == "Xi'an" and english_city_name("吕梁市") == "Lyuliang"
    assert english_city_name("滨海新区") == "Binhai New Area" and english_city_name("忠县") == "Zhong County"
    assert english_city_name("锡林郭勒盟") == "Xilingol League" and english_city_name("阿里地区") == "Ngari Prefecture"
    assert english_city_name("第十一师") == "Division 11" and english_city_name("第二师") == "Division 2"


def test_region_name_falls_back_to_the_registry():
    assert reference.region_name("44", "en", "广东省") == "Guangdong"
    assert reference.region_name("44", "zh", "广东省（登记）") == "广东省（登记）"
    assert reference.region_name("99", "en", "某省") == "某省"


def test_english_deadline_pages_name_regions_in_english(app):
    client = login(app.server.test_client(), "ministry")
    nation = open_view(client, "/deadlines", VIEW)
    assert nation.content_status == 200
    assert "Guangdong" in nation.text and "Guangxi" in nation.text and "Beijing" in nation.text
    province = open_view(client, "/deadlines", VIEW | {"province": "44"})
    assert "Guangzhou" in province.text and "Shenzhen" in province.text and "Guangdong" in province.text
    for view in (nation, province):
        assert not [n for n in CHINESE_REGION_NAMES if n in view.text]


def test_english_export_has_name_en_and_chinese_keeps_the_spec(app):
    client = login(app.server.test_client(), "ministry")
    en = client.get("/export/deadlines.csv?as_of=2025-06-10&year=2025&lang=en&province=44").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(en)))
    assert list(rows[0]) == ["deadline", "code", "name_en", "due_on", "done", "total", "pct_done",
                             "working_days_left", "status"]
    assert {r["code"]: r["name_en"] for r in rows} == {"440100": "Guangzhou", "440300": "Shenzhen"}
    nation = client.get("/export/deadlines.csv?as_of=2025-06-10&year=2025&lang=en").data.decode("utf-8-sig")
    assert "Guangdong" in nation and not [n for n in CHINESE_REGION_NAMES if n in en + nation]
    zh = client.get("/export/deadlines.csv?as_of=2025-06-10&year=2025&province=44").data.decode("utf-8-sig")
    assert zh.splitlines()[0] == "deadline,code,name,due_on,done,total,pct_done,working_days_left,status"
    assert "广州市" in zh and "Guangzhou" not in zh
