"""Masking of names and ID numbers: what the screen and every export show."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from aidwatch.masking import mask_frame, mask_id_number, mask_name


@pytest.mark.parametrize(
    "name, masked",
    [
        ("张", "*"),
        ("张三", "张*"),
        ("张小明", "张*明"),
        ("欧阳小明", "欧**明"),
        ("阿依古丽·买买提", "阿******提"),
        (" 张小明 ", "张*明"),  # stray whitespace from data entry is not a character of the name
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("value", [None, "", "   ", math.nan, pd.NA, pd.NaT])
def test_no_name_is_blank_not_a_masked_nan(value):
    assert mask_name(value) == ""


@pytest.mark.parametrize(
    "id_number, masked",
    [
        ("440106200801011234", "440106********1234"),
        ("44010620080101123X", "440106********123X"),
        ("440106080101123", "440106*****1123"),  # old 15-digit number
        ("1234567890", "**********"),  # too short to keep both ends without revealing it all
        ("12345", "*****"),
        (" 440106200801011234 ", "440106********1234"),
    ],
)
def test_mask_id_number(id_number, masked):
    assert mask_id_number(id_number) == masked
    assert len(mask_id_number(id_number)) == len(id_number.strip())


@pytest.mark.parametrize("value", [None, "", math.nan, pd.NA])
def test_no_id_number_is_blank(value):
    assert mask_id_number(value) == ""


def test_the_birth_date_never_survives_masking():
    masked = mask_id_number("440106200801011234")
    assert "20080101" not in masked and masked.count("*") == 8


def test_mask_frame_masks_a_copy():
    frame = pd.DataFrame(
        {
            "name": ["张小明", "欧阳小明", None],
            "id_number": ["440106200801011234", "110101199912312345", None],
            "school": ["广州市技师学院", "北京市工贸技师学院", "x"],
        }
    )
    out = mask_frame(frame)
    assert out["name"].tolist() == ["张*明", "欧**明", ""]
    assert out["id_number"].tolist() == ["440106********1234", "110101********2345", ""]
    assert out["school"].tolist() == frame["school"].tolist()
    assert frame.loc[0, "name"] == "张小明"  # the input is not modified


def test_mask_frame_without_personal_columns_is_unchanged():
    frame = pd.DataFrame({"code": ["44"], "done": [3]})
    pd.testing.assert_frame_equal(mask_frame(frame), frame)
