"""Plausible Chinese person names, school names and majors.

Masking (张*明), name search and CSV exports are only tested properly on real
Chinese text, including two-character surnames and one-character given names.
"""

from __future__ import annotations

import numpy as np

# Common surnames, most frequent first; frequency falls off roughly as a power law.
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
) + ["欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "慕容"]
_w = 1.0 / np.arange(1, len(SURNAMES) + 1) ** 0.9
_w[-8:] = 0.0015  # compound surnames are rare
SURNAME_P = _w / _w.sum()

MALE_CHARS = list("伟强磊军洋勇杰涛明超浩宇轩博文俊鹏辉鑫昊然晨睿泽子一嘉志诚天建国飞凯龙翔海林峰斌彬航宁豪恒毅锦瑞")
FEMALE_CHARS = list("芳娜敏静丽婷雪琳欣怡悦雨萱梦佳晶颖慧玲倩雯妍诗涵琪瑶媛婧薇思语馨月彤可兰艳霞洁璐蕾")

FIELDS = ["交通", "机电", "工业", "建筑", "轻工", "信息", "商贸", "农业", "电子", "汽车", "城市建设", "机械",
          "化工", "冶金", "电力", "旅游", "经济", "工贸", "科技", "航空", "铁路", "煤炭", "水利", "林业"]
LEVEL_SUFFIX = {"technician_college": "技师学院", "senior_technical": "高级技工学校", "technical": "技工学校"}
EDU_PATTERNS = ["{city}职业技术学校", "{city}中等专业学校", "{city}{field}职业中专", "{city}第{n}职业高级中学",
                "{province}{field}学校", "{city}职业教育中心", "{city}{field}中等专业学校"]
NUMERALS = "一二三四五六七八九"

# Majors of the technical-school catalogue: (code, agriculture-related).
MAJORS = [
    ("0101", False), ("0102", False), ("0103", False), ("0104", False), ("0201", False), ("0202", False),
    ("0301", False), ("0302", False), ("0401", False), ("0402", False), ("0501", False), ("0502", False),
    ("0601", False), ("0602", False), ("0701", False), ("0801", False), ("0901", False),
    ("1001", True), ("1002", True), ("1003", True), ("1004", True), ("1005", True),
]
MAJOR_CODES = np.array([m[0] for m in MAJORS], dtype=object)
MAJOR_AGRI = np.array([m[1] for m in MAJORS])
MAJOR_P = np.where(MAJOR_AGRI, 0.016, 1.0)
MAJOR_P = MAJOR_P / MAJOR_P.sum()  # about 8% agriculture-related


def place_name(province_name: str, city_name: str, province_code: str) -> str:
    """How a place appears in a school name: districts and XPCC divisions need their parent."""
    if province_code in ("11", "12", "31", "50") or province_code == "66":
        return province_name + city_name
    return city_name


def person_names(rng: np.random.Generator, male: np.ndarray) -> list[str]:
    """Surname + one or two given characters (about 30% one character)."""
    n = male.size
    sur = rng.choice(len(SURNAMES), size=n, p=SURNAME_P)
    c1m = rng.integers(0, len(MALE_CHARS), n)
    c2m = rng.integers(0, len(MALE_CHARS), n)
    c1f = rng.integers(0, len(FEMALE_CHARS), n)
    c2f = rng.integers(0, len(FEMALE_CHARS), n)
    two = rng.random(n) < 0.7
    out = []
    for i in range(n):
        if male[i]:
            given = MALE_CHARS[c1m[i]] + (MALE_CHARS[c2m[i]] if two[i] else "")
        else:
            given = FEMALE_CHARS[c1f[i]] + (FEMALE_CHARS[c2f[i]] if two[i] else "")
        out.append(SURNAMES[sur[i]] + given)
    return out


def school_name(rng: np.random.Generator, level: str, province_name: str, place: str, taken: set) -> str:
    """A unique technical-school name such as 广州市交通技师学院 or 广东省工贸技工学校."""
    suffix = LEVEL_SUFFIX[level]
    for attempt in range(40):
        pick = rng.random()
        field = FIELDS[rng.integers(0, len(FIELDS))]
        if pick < 0.3 and attempt == 0:
            name = f"{place}{suffix}"
        elif pick < 0.75:
            name = f"{place}{field}{suffix}"
        else:
            name = f"{province_name}{field}{suffix}"
        if name not in taken:
            taken.add(name)
            return name
    n = 2
    while f"{place}第{NUMERALS[(n - 1) % 9]}{suffix}{'' if n < 10 else n}" in taken:
        n += 1
    name = f"{place}第{NUMERALS[(n - 1) % 9]}{suffix}{'' if n < 10 else n}"
    taken.add(name)
    return name


def education_school_name(rng: np.random.Generator, province_name: str, place: str) -> str:
    """An education-system secondary vocational school, the other side of a duplicate match."""
    pattern = EDU_PATTERNS[rng.integers(0, len(EDU_PATTERNS))]
    return pattern.format(city=place, province=province_name, field=FIELDS[rng.integers(0, len(FIELDS))],
                          n=NUMERALS[rng.integers(0, 5)])
