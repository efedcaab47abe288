"""What every view model shares: case lists (masked, and noted for the audit), drill keys, own rows."""

from __future__ import annotations

import flask

from aidwatch.masking import mask_frame
from queries.regions import Region



#: Where a request notes the case lists it showed (flask.g), for the one audit row of the view.
CASE_LISTS_SHOWN = "aidwatch_case_lists"


def case_list(name: str, frame):
    """``frame`` (a list of students) masked for the screen or an export, and noted for the audit log.

    Every case list a page shows goes through here, so ``register_content``
    can write one audit row per view that showed personal data.
    """
    masked = mask_frame(frame)
    if flask.has_request_context():
        flask.g.setdefault(CASE_LISTS_SHOWN, []).append((name, len(masked)))
    return masked


def with_drill(rows, children):
    """``rows`` with ``drill``, each row's key one level down (a school's id), and, where the rows are
    schools, ``code`` their registry code: the spec's ``code`` column, while drilling needs the id."""
    rows = rows.assign(drill=rows["code"])
    if "school_code" in children:
        rows["code"] = rows["drill"].map(dict(zip(children["code"].astype(str), children["school_code"])))
    return rows


def table_region(region):
    """The region whose child table holds ``region``'s own row: itself, or a school's city (a school's own
    figures are its row in its city's table, from the same cached queries)."""
    return Region("city", region.province, region.city) if region.level == "school" else region


def own_code(region) -> str:
    """The code of the selected region's own row in a page's table ("nation" for the nation)."""
    return {"nation": "nation", "province": region.province, "city": region.city}.get(region.level,
                                                                                       str(region.school))
