"""English names of the prefecture-level units, generated once into ``reference/cities.csv``.

Run ``python -m aidwatch.reference_names`` to refresh ``aidwatch/reference/`` from
``../shared/reference`` and regenerate the cities' ``name_en`` column. The dashboard only
reads the column (``aidwatch.reference.region_name``); pypinyin is needed to regenerate it,
never at run time. The forms chosen (``docs/english-names.md``): Hanyu Pinyin of the proper
name, syllables joined (ü as "yu": Lyuliang), with an apostrophe before a syllable starting with a, e or o
(Xi'an), and the unit's kind in English — "Guangzhou" (a city: the name alone), "Dongcheng
District", "Zhong County", "Xing'an League", "Ali Prefecture", "Xishuangbanna Dai
Autonomous Prefecture", "Division 1" (XPCC). A few places known abroad by another form
keep it (``CONVENTIONAL``).
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

#: Names whose established English form is not their pinyin (Mongolian, Uyghur and Tibetan place names as
#: the State Council romanises them) and polyphones pypinyin reads wrongly (朝阳 is Chaoyang, not Zhaoyang).
CONVENTIONAL = {
    "呼和浩特": "Hohhot", "乌鲁木齐": "Urumqi", "拉萨": "Lhasa", "喀什": "Kashgar", "哈尔滨": "Harbin",
    "重庆": "Chongqing", "长沙": "Changsha", "长春": "Changchun", "长治": "Changzhi", "厦门": "Xiamen",
    "六安": "Lu'an", "蚌埠": "Bengbu", "丽水": "Lishui", "丽江": "Lijiang", "乐山": "Leshan",
    "朝阳": "Chaoyang", "长宁": "Changning", "闵行": "Minhang", "漯河": "Luohe", "丰都": "Fengdu",
    "齐齐哈尔": "Qiqihar", "大兴安岭": "Da Hinggan Ling", "兴安": "Hinggan", "锡林郭勒": "Xilingol",
    "鄂尔多斯": "Ordos", "呼伦贝尔": "Hulunbuir", "巴彦淖尔": "Bayannur", "乌兰察布": "Ulanqab",
    "阿拉善": "Alxa", "克拉玛依": "Karamay", "吐鲁番": "Turpan", "巴音郭楞": "Bayingolin", "博尔塔拉": "Bortala",
    "阿克苏": "Aksu", "克孜勒苏": "Kizilsu", "和田": "Hotan", "伊犁": "Ili", "阿勒泰": "Altay",
    "日喀则": "Shigatse", "昌都": "Qamdo", "林芝": "Nyingchi", "山南": "Shannan", "那曲": "Nagqu", "阿里": "Ngari",
    "甘孜": "Garze", "阿坝": "Ngawa", "果洛": "Golog",
}

#: Ethnic groups named in autonomous prefectures and counties, longest first in ``_ETHNIC_RE``.
ETHNIC = {
    "土家族": "Tujia", "朝鲜族": "Korean", "布依族": "Buyei", "哈尼族": "Hani", "傈僳族": "Lisu",
    "景颇族": "Jingpo", "蒙古族": "Mongol", "柯尔克孜": "Kyrgyz", "哈萨克": "Kazakh", "蒙古": "Mongol",
    "藏族": "Tibetan", "彝族": "Yi", "苗族": "Miao", "侗族": "Dong", "壮族": "Zhuang", "回族": "Hui",
    "傣族": "Dai", "白族": "Bai", "羌族": "Qiang",
}
_ETHNIC_RE = "|".join(sorted(ETHNIC, key=len, reverse=True))

#: Suffix → the kind of unit in English; the longest suffix that matches wins.
KINDS = [("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("新区", "New Area"),
         ("地区", "Prefecture"), ("市", ""), ("区", "District"), ("县", "County"), ("盟", "League")]

#: Units with no proper name of their own.
SPECIAL = {"省直辖县级行政区划": "County-level Divisions under the Province",
           "自治区直辖县级行政区划": "County-level Divisions under the Autonomous Region"}

NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


def pinyin_word(hanzi: str) -> str:
    """One place name in pinyin, syllables joined, apostrophes before a/e/o syllables, capitalised."""
    if hanzi in CONVENTIONAL:
        return CONVENTIONAL[hanzi]
    from pypinyin import lazy_pinyin  # only the generator needs it, never the dashboard

    syllables = lazy_pinyin(hanzi, errors="ignore", v_to_u=False)
    word = "".join(s if i == 0 or s[0] not in "aeo" else "'" + s for i, s in enumerate(syllables))
    return word.replace("v", "yu").capitalize()  # ü as "yu" after l and n (GB/T 28039), so names stay ASCII


def _division(name: str) -> str | None:
    """第十一师 → "Division 11" (the XPCC's divisions)."""
    m = re.fullmatch(r"第([一二三四五六七八九十]+)师", name)
    if not m:
        return None
    digits = m.group(1)
    if digits.startswith("十"):
        number = 10 + (NUMERALS[digits[1]] if len(digits) > 1 else 0)
    elif "十" in digits:
        number = NUMERALS[digits[0]] * 10 + (NUMERALS[digits[2]] if len(digits) > 2 else 0)
    else:
        number = NUMERALS[digits]
    return f"Division {number}"


def english_city_name(name: str) -> str:
    """The English name of one prefecture-level unit (or municipal district) from its Chinese name."""
    if name in SPECIAL:
        return SPECIAL[name]
    division = _division(name)
    if division:
        return division
    for suffix, kind in KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return pinyin_word(name)
    peoples = []
    if kind.startswith("Autonomous"):
        m = re.search(f"(?:{_ETHNIC_RE})+$", stem)
        if m:
            peoples = [ETHNIC[e] for e in re.findall(_ETHNIC_RE, m.group(0))]
            stem = stem[: m.start()]
    parts = [pinyin_word(stem)]
    if peoples:
        parts.append(" and ".join(peoples))
    if kind:
        parts.append(kind)
    return " ".join(parts)


def regenerate(shared: Path, target: Path) -> None:
    """Copy ``provinces.csv`` from ``shared`` and write ``cities.csv`` with ``name_en`` into ``target``."""
    (target / "provinces.csv").write_text((shared / "provinces.csv").read_text("utf-8"), "utf-8")
    rows = list(csv.DictReader(io.StringIO((shared / "cities.csv").read_text("utf-8"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*rows[0].keys(), "name_en"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row | {"name_en": english_city_name(row["name"])})
    (target / "cities.csv").write_text(out.getvalue(), "utf-8")


if __name__ == "__main__":
    root = Path(__file__).resolve().parent
    shared_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else root.parent.parent / "shared" / "reference"
    regenerate(shared_dir, root / "reference")
