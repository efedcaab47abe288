"""The risk score's pure parts: weights file, normalisation, contributions, reasons and ranking order."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aidwatch.metrics import inspections as m

D = dt.date(2025, 11, 26)


def school(code, **values):
    base = {"code": code, "school_code": f"S{code}", "name": code, "city_code": "1", "city": "c", "dual_plate": False,
            "joint_enrollment": False, "closed_on": None, "inspections": 1, "serious_any": 0, "serious_open": 0}
    return base | {col: 0 for col in m.COUNT_COLUMNS} | values


def test_weights_file():
    weights = m.load_weights()
    assert list(weights) == list(m.SIGNALS)
    assert sum(w.weight for w in weights.values()) == 100
    assert weights["dual_plate"].full_at is None and weights["duplicates_overdue"].full_at == 3


def test_weights_are_validated(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[not_inspected]\nweight = 1\n")
    with pytest.raises(ValueError, match="exactly"):
        m.load_weights(bad)
    text = "".join(f"[{n}]\nweight = 1\n" for n in m.SIGNALS).replace("[approvals_late]\nweight = 1",
                                                                        "[approvals_late]\nweight = -1")
    bad.write_text(text)
    with pytest.raises(ValueError, match="approvals_late"):
        m.load_weights(bad)


def test_score_contributions_and_reasons():
    weights = m.load_weights()
    frame = pd.DataFrame([
        # 6 overdue > full_at 3 → 12; 2 repeat of 5 → 4.0; serious rectified → 0.5 × 14 = 7.0: 23.0
        school("a", duplicates_overdue=6, duplicates_repeat=2, serious_any=1),
        # not inspected 16 + joint 7 + 25 phantom of 50 → 6.0: 29.0
        school("b", inspections=0, joint_enrollment=True, phantom_suspects=25),
        # nothing: 0, no reasons
        school("c"),
        # closed by D: not ranked
        school("d", inspections=0, closed_on=dt.date(2025, 6, 1)),
        # ties with b on 29.0 but inspected: after b
        school("e", dual_plate=True, duplicates_overdue=3, serious_open=1, serious_any=1, approvals_late=100),
    ])
    # e: dual 7 + overdue 12 + serious 14 + approvals min(100/50,1) × 6 = 6 → 39.0; with four signals only
    # the top three are reasons
    ranked = m.ranking(frame, weights, D)
    assert ranked["code"].tolist() == ["e", "b", "a", "c"]
    assert ranked["risk_score"].tolist() == [39.0, 29.0, 23.0, 0.0]
    assert ranked["reasons"].tolist() == [("serious_findings", "duplicates_overdue", "dual_plate"),
                                          ("not_inspected", "joint_enrollment", "phantom_suspects"),
                                          ("duplicates_overdue", "serious_findings", "duplicates_repeat"), ()]
    assert ranked.loc[1, "points_phantom_suspects"] == 6.0
    assert ranked["rank"].tolist() == [1, 2, 3, 4]


def test_tie_break_uninspected_first():
    weights = m.load_weights()
    frame = pd.DataFrame([school("x", dual_plate=True, joint_enrollment=True, duplicates_repeat=1, phantom_suspects=0),
                          school("y", inspections=0)])
    # x: 7 + 7 + 2 = 16; y: 16 → y first (not yet inspected)
    assert m.ranking(frame, weights, D)["code"].tolist() == ["y", "x"]


def test_coverage_rows_keep_every_child():
    children = pd.DataFrame({"code": ["1", "2"], "name": ["A", "B"]})
    counts = pd.DataFrame({"code": ["2"], "schools": [4], "inspected": [3], "serious_findings": [1]})
    rows = m.coverage_rows(children, counts)
    assert rows[m.EXPORT_COLUMNS].values.tolist()[0][:4] == ["1", "A", 0, 0] and pd.isna(rows["coverage_pct"][0])
    assert rows.loc[1, ["coverage_pct", "left"]].tolist() == [75.0, 1]
    assert m.total_row(rows, "x", "X") == {"code": "x", "name": "X", "schools": 4, "inspected": 3, "coverage_pct": 75.0,
                                           "serious_findings": 1, "left": 1}
