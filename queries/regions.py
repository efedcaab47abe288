"""Regions and drill-down: nation → province → city → school → cases.

``resolve_region`` turns URL parameters into a validated ``Region`` inside the
user's scope (the one place a province user's request for another province is
refused), and ``child_grouping`` gives every page the same way of grouping a
registry table by the level below the selected region. Both scope and region
filters are applied in SQL, so nothing outside the scope is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from aidwatch import contract as c
from queries.frames import to_frame
from queries.scope import OutOfScope, Scope

LEVELS = ("nation", "province", "city", "school")
CHILD_LEVEL = {"nation": "province", "province": "city", "city": "school", "school": "case"}


class UnknownRegion(LookupError):
    """A province, city or school code that is malformed or does not nest."""


class NoSuchRegion(OutOfScope, UnknownRegion):
    """A region that does not exist or is outside the user's scope: one exception, so that both get the
    same answer (``views.errors``) and a province user cannot learn what exists in another province.
    Its text, for the log only, says which was the case."""

    def __init__(self, asked: str, scope: Scope):
        super().__init__(f"{asked}: not found within {scope.province or 'the nation'}")


@dataclass(frozen=True)
class Region:
    level: str
    province: str | None = None
    city: str | None = None
    school: int | None = None

    @property
    def child_level(self) -> str:
        return CHILD_LEVEL[self.level]

    def as_params(self) -> dict:
        """The URL parameters that select this region."""
        out = {}
        if self.province:
            out["province"] = self.province
        if self.city:
            out["city"] = self.city
        if self.school is not None:
            out["school"] = str(self.school)
        return out

    def child(self, code) -> "Region":
        """The region one level down whose code is ``code``."""
        if self.level == "nation":
            return Region("province", province=str(code))
        if self.level == "province":
            return Region("city", province=self.province, city=str(code))
        if self.level == "city":
            return Region("school", province=self.province, city=self.city, school=int(code))
        raise ValueError("a school has cases, not child regions")


def resolve_region(conn: sa.Connection, scope: Scope, province=None, city=None, school=None) -> Region:
    """Validate URL parameters against the scope and the registry.

    The scope comes first: a province user's look-ups only ever search their own province, so a region of
    another province and one that does not exist are the same ``NoSuchRegion``, whose message names
    nothing but what was asked. The deepest parameter given decides the level; the parents are derived
    from it and, when also given, must agree (checked only once the region is known to be in the scope).
    A province user with no parameters lands on their own province.
    """
    province = str(province).strip() if province not in (None, "") else None
    city = str(city).strip() if city not in (None, "") else None
    school_id = None
    if school not in (None, ""):
        try:
            school_id = int(str(school).strip())
        except ValueError:
            raise UnknownRegion(f"school {school!r} is not a school id") from None
    if scope.province is not None and province is not None and province != scope.province:
        raise NoSuchRegion(f"province {province}", scope)

    if school_id is not None:
        q = sa.select(c.school.c.province_code, c.school.c.city_code).where(c.school.c.id == school_id)
        if scope.province is not None:
            q = q.where(c.school.c.province_code == scope.province)
        row = conn.execute(q).first()
        if row is None:
            raise NoSuchRegion(f"school {school_id}", scope)
        _agree("province", province, row.province_code)
        _agree("city", city, row.city_code)
        return Region("school", row.province_code, row.city_code, school_id)
    if city is not None:
        q = sa.select(c.city.c.province_code).where(c.city.c.code == city)
        if scope.province is not None:
            q = q.where(c.city.c.province_code == scope.province)
        row = conn.execute(q).first()
        if row is None:
            raise NoSuchRegion(f"city {city}", scope)
        _agree("province", province, row.province_code)
        return Region("city", row.province_code, city)
    if province is None and scope.province is not None:
        province = scope.province
    if province is not None:
        if conn.execute(sa.select(c.province.c.code).where(c.province.c.code == province)).first() is None:
            raise NoSuchRegion(f"province {province}", scope)
        return Region("province", province)
    return Region("nation")


def _agree(what: str, given, actual) -> None:
    """A parent given in the URL must contain the region (``actual`` is inside the user's scope by now)."""
    if given is not None and given != actual:
        raise UnknownRegion(f"{what} {given} does not contain the requested region (it is in {actual})")


@dataclass(frozen=True)
class Grouping:
    """How to group one registry table by the level below a region."""

    key: sa.ColumnElement
    source: sa.FromClause
    where: tuple


def child_grouping(table: sa.Table, region: Region, scope: Scope) -> Grouping:
    """Group ``table`` (which has ``province_code`` and ``school_id``) by the child level.

    The scope's province is always a filter, even when the region already
    implies it, so that no caller can widen a province user's view.
    """
    where = []
    if scope.province is not None:
        where.append(table.c.province_code == scope.province)
    source: sa.FromClause = table
    if region.level == "nation":
        key = table.c.province_code
    elif region.level == "province":
        source = table.join(c.school, c.school.c.id == table.c.school_id)
        key = c.school.c.city_code
        where.append(table.c.province_code == region.province)
    elif region.level == "city":
        key = table.c.school_id
        where.append(table.c.province_code == region.province)
        where.append(table.c.school_id.in_(sa.select(c.school.c.id).where(c.school.c.city_code == region.city)))
    else:
        key = table.c.school_id
        where.append(table.c.province_code == region.province)
        where.append(table.c.school_id == region.school)
    return Grouping(key=key.label("code"), source=source, where=tuple(where))


def school_grouping(table: sa.Table, region: Region, scope: Scope) -> Grouping:
    """``child_grouping``, but in a province keyed by ``school_id`` without the join to ``school``.

    A count grouped by (…, ``school_id``) in the order of an index that ends in ``school_id`` streams
    through the index; joined to ``school`` for the city, the same count sorts every row in a temporary
    B-tree (2–3 times slower for a large province). ``per_child`` sums the schools' groups per city.
    """
    g = child_grouping(table, region, scope)
    if region.level != "province":
        return g
    return Grouping(key=table.c.school_id.label("code"), source=table, where=g.where)


def index_order(g: Grouping, region: Region, *columns) -> list:
    """GROUP BY terms for a ``school_grouping`` in the order of the replica's indexes on (…, province_code,
    *columns, school_id): the province first nationally, the school last below, so the count streams."""
    return [g.key, *columns] if region.level == "nation" else [*columns, g.key]


def per_child(q: sa.Select, region: Region) -> sa.Select:
    """A ``school_grouping`` count (``code``, keys…, ``n``) per child region: in a province, the schools'
    groups summed per city by an outer query; elsewhere ``q`` itself.

    The inner count still streams through its index; the outer one sorts only its result (thousands
    of rows), in the database, and hands back a quarter of the rows. Rows, not SQL, bound a
    province's view: each fetched row takes Python's global lock twice, so concurrent queries that
    return tens of thousands of rows wait on one another instead of running side by side.
    """
    if region.level != "province":
        return q
    inner = q.subquery()
    keys = [col for col in inner.c if col.name not in ("code", "n")]
    s = c.school
    return (sa.select(s.c.city_code.label("code"), *keys, sa.func.sum(inner.c.n).label("n"))
            .select_from(inner.join(s, s.c.id == inner.c.code)).group_by(s.c.city_code, *keys))


def child_names(conn: sa.Connection, region: Region, scope: Scope) -> pd.DataFrame:
    """Code and name of every child region, so that regions with no records still show as rows."""
    if region.level == "nation":
        q = sa.select(c.province.c.code, c.province.c.name).order_by(c.province.c.code)
        if scope.province is not None:
            q = q.where(c.province.c.code == scope.province)
    elif region.level == "province":
        q = (
            sa.select(c.city.c.code, c.city.c.name)
            .where(c.city.c.province_code == region.province)
            .where(sa.exists().where(c.school.c.city_code == c.city.c.code))
            .order_by(c.city.c.code)
        )
    elif region.level == "city":
        q = (
            sa.select(c.school.c.id.label("code"), c.school.c.name, c.school.c.code.label("school_code"))
            .where(c.school.c.city_code == region.city)
            .order_by(c.school.c.code)
        )
    else:
        q = sa.select(c.school.c.id.label("code"), c.school.c.name, c.school.c.code.label("school_code")).where(
            c.school.c.id == region.school
        )
    frame = to_frame(conn.execute(q))
    if "school_code" not in frame:
        frame["code"] = frame["code"].astype(str)
    return frame


def children(conn: sa.Connection, scope: Scope, region: Region) -> pd.DataFrame:
    """``child_names`` in ``Registry.query``'s order of arguments: one cached list of a region's children
    for every page that shows them."""
    return child_names(conn, region, scope)


def region_label(conn: sa.Connection, region: Region) -> dict:
    """Names along the drill path, for breadcrumbs and titles."""
    out = {"province": None, "city": None, "school": None}
    if region.province:
        out["province"] = conn.execute(
            sa.select(c.province.c.name).where(c.province.c.code == region.province)
        ).scalar()
    if region.city:
        out["city"] = conn.execute(sa.select(c.city.c.name).where(c.city.c.code == region.city)).scalar()
    if region.school is not None:
        out["school"] = conn.execute(sa.select(c.school.c.name).where(c.school.c.id == region.school)).scalar()
    return out
