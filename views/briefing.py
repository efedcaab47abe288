"""The leadership briefing view model: every area's inputs in one concurrent batch → headlines, map, laggards, words.

The briefing computes no metric of its own. Its inputs are the other pages'
own queries (``briefing_queries``), or, where a page counts as of one date
(backlog, inspections), the same counts grouped by day, run at once through
``Registry.query_many`` and so cached under the same keys the pages use:
a page seen before makes the briefing warm, and the other way round. Its
figures are the pages' own metric functions applied to those results at D,
a week and a month before D. Every query groups by day and has no D
(deadlines, duplicate alerts, records, and the backlog's and inspections'
day-grouped counts): each is cached once per (scope, region, year), and
the three dates, or any other as-of date, are counted from the same
results in Python, so that a date change costs no query.
``aidwatch.metrics.briefing`` arranges the figures and
``aidwatch.narrative`` puts them into words.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

import flask
import pandas as pd

from aidwatch.i18n import deadline_name, t
from aidwatch.metrics import backlog as bl_m, briefing as m, deadlines as dl_m, duplicates as dup_m, inspections as insp_m, records as rec_m, rollout as ro_m
from aidwatch.narrative import pct_text, sentences
from aidwatch.policy import policy_for
from aidwatch.reference import export_names
from aidwatch.workdays import calendar, UnknownCalendarYear
from views.context import child_query, resolve
from views.errors import describe
from queries.registry import Freshness, ReplicaUnavailable
from aidwatch.viewstate import FIRST_YEAR, BadView, View
from queries import backlog as bl_q, deadlines as dl_q, duplicates as dup_q, inspections as insp_q, records as rec_q
from queries.regions import children, Region
from queries.scope import Scope
from aidwatch.metrics.briefing import AREAS
from views.common import note_past_calendar
from aidwatch.metrics import funding as fd_m
from queries import funding as fd_q

log = logging.getLogger(__name__)

#: The query groups of ``briefing_queries``: the areas each one feeds.
SOURCES = {"deadlines": ("registration", "approvals", "rollout"), "duplicates": ("duplicates",),
           "backlog": ("backlog",), "inspections": ("inspections",), "records": ("records", "graduation"),
           "funding": ("funding",)}


def briefing_queries(region: Region, year: int) -> dict:
    """Every query the briefing reads, ``"source:name" → (fn, *args)`` for ``Registry.query_many``: the
    deadline page's series, the duplicate page's series, the records page's records and graduates, the
    backlog's changes and suspects and the inspections' coverage, all grouped by day and without D (one run
    serves every date). The longest first (``Registry.query_many`` starts them in this order): the
    suspects and the deadlines' (their own order puts the aid counts first), the small ones last."""
    calls = {"backlog:suspects": (bl_q.suspect_days, region)}
    calls |= {f"deadlines:{name}": call for name, call in dl_q.series_queries(region, year).items()}
    calls["backlog:changes"] = (bl_q.change_days, region, year)
    calls["duplicates:series"] = (dup_q.duplicate_series, region, year)
    calls["backlog:children"] = (children, region)
    calls["inspections:coverage"] = (insp_q.coverage_days, region, year)
    calls["records:records"] = (rec_q.record_days, region, year)
    calls["records:graduation"] = (rec_q.graduation_days, region, year)
    calls["records:children"] = (children, region)
    calls |= {f"funding:{name}": call for name, call in fd_q.series_queries(region, year).items()}
    calls["funding:children"] = (children, region)
    return calls


def _gather(reg, scope, calls: dict) -> tuple[dict, dict]:
    """All results at once, and the sources that failed (their areas show the message; the others stand).
    A replica that cannot be reached, or every source failing, is the page's failure."""
    results = reg.query_many(scope, calls, return_exceptions=True)
    failed = {}
    for name, value in results.items():
        if isinstance(value, Exception):
            if isinstance(value, ReplicaUnavailable):
                raise value
            failed.setdefault(name.split(":")[0], value)
    if failed:
        log.warning("briefing: sources failed: %s", {k: str(v) for k, v in failed.items()})
    if len(failed) == len(SOURCES):
        raise next(iter(failed.values()))
    return results, failed


@dataclass(frozen=True)
class BriefingView:
    view: View
    region: Region
    labels: dict
    region_name: str
    as_of: dt.date
    year: int
    dates: dict               # WHEN → date (None: before the first policy year)
    headlines: dict           # (area, key) → Headline
    failed: dict              # area → message, for areas whose source could not be read
    focus: str | None         # the map's deadline (``deadline=``, else ``aidwatch.metrics.briefing.map_deadline``)
    focus_rows: pd.DataFrame  # that deadline's progress per child region at D (``drill`` = the child's key)
    live: dict                # live deadline → its laggards
    reports: dict             # ``aidwatch.metrics.briefing.report_summary``
    sentences: list
    scope: Scope
    fresh: Freshness          # the replica's snapshot the figures come from (the footer)
    behind: dict              # area without deadlines → its regions furthest behind (records, graduation)

    @property
    def child_level(self) -> str:
        return self.region.child_level

    def href(self, path: str, when: str = "now", **changes) -> str:
        """The URL of ``path`` at this briefing's region as of ``when``'s date (explicit as_of and year, so
        that a printed or forwarded link shows the same numbers)."""
        return path + self.view.query(as_of=self.dates[when], year=self.year, **changes)

    def child_href(self, path: str, code: str, **changes) -> str:
        """The URL of ``path`` one level down, at the child region ``code``, as of D."""
        view = replace(self.view, as_of=self.as_of, year=self.year, **changes)
        return path + child_query(view, str(code), self.scope)

    def only(self, areas) -> "BriefingView":
        """This briefing limited to ``areas`` (a subscription's): the other areas' headlines, live deadlines,
        written reports (rollout's) and regions behind left out, and the sentences told from what is left."""
        areas = set(areas)
        if areas >= set(m.AREAS):
            return self
        heads = {(area, key): h for (area, key), h in self.headlines.items() if area in areas}
        live = {d: rows for d, rows in self.live.items() if m.DEADLINE_AREAS[d] in areas}
        reports = self.reports if "rollout" in areas else {}
        behind = {area: rows for area, rows in self.behind.items() if area in areas}
        facts = m.Facts(self.as_of, self.region.level, self.region_name, heads, reports, live, behind)
        return replace(self, headlines=heads, live=live, reports=reports, behind=behind,
                       failed={area: text for area, text in self.failed.items() if area in areas},
                       sentences=sentences(facts, self.view.lang))

    def headline_href(self, head: m.Headline, when: str = "now") -> str | None:
        day = self.dates.get(when)
        if day is None or day.year < self.year:  # a view of year Y before Y began does not exist
            return None
        return self.href(head.page, when, deadline=head.key if head.kind == "deadline" else None)


def _deadline_area(reg, r, dates, policy, cal):
    """The deadline page's view at D (summary and child rows) and its region summary at the earlier
    dates, all from the one cached day series."""
    now = reg.deadline_view(r.scope, r.region, r.labels, r.as_of, r.year)
    now = replace(now, rows=r.names(now.rows))
    _, series = reg.deadline_series(r.scope, r.region, r.year)
    code = "nation" if r.region.level == "nation" else r.region.province
    summaries = {when: (now.summary if when == "now" else
                        dl_m.summary(series, code, r.region.level, day, policy, cal) if day else None)
                 for when, day in dates.items()}
    heads = m.deadline_headlines(summaries)
    live = {d: m.laggards(now.rows, d) for d in m.live_deadlines(now.summary, r.as_of)
            if not (d == "rollout_report" and r.region.level != "nation")}  # below the nation: one report
    return heads, now, live


def _report_tracker(results: dict, now, r, policy, cal) -> pd.DataFrame:
    """The rollout page's report tracker, from the written-report days the deadline series read."""
    days = results["deadlines:reports"]
    if r.region.level == "nation":
        codes = list(now.rows.loc[now.rows["deadline"] == "rollout_report", "drill"])
        names = dict(zip(now.rows["drill"], now.rows["name"]))
    else:
        codes, names = [r.region.province], {r.region.province: r.labels.get("province") or r.region.province}
    provinces = pd.DataFrame({"province_code": codes, "report_submitted_on": [days.get(c) for c in codes]})
    return ro_m.report_tracker(provinces, names, r.as_of, policy.due["rollout_report"], cal)


def _at_dates(dates: dict, total_at) -> dict:
    """WHEN → ``total_at(when, day)`` for each comparison date that exists, None for one that does not."""
    return {when: (total_at(when, day) if day else None) for when, day in dates.items()}


def briefing_data(query: dict, scope: Scope) -> BriefingView:
    """The briefing of the URL's view (the nation, or one province), for the page and its downloads."""
    r = resolve(query, scope)
    if r.region.level not in ("nation", "province"):
        raise BadView("the briefing covers the nation or one province: remove city and school")
    reg, lang = r.registry, r.view.lang
    policy, cal = policy_for(r.year), calendar()
    dates = m.comparison_dates(r.as_of, dt.date(FIRST_YEAR, 1, 1))
    results, failed_sources = _gather(reg, r.scope, briefing_queries(r.region, r.year))
    failed = {area: describe(exc, lang)[0] for src, exc in failed_sources.items() for area in SOURCES[src]}
    own = "nation" if r.region.level == "nation" else r.region.province
    name = r.labels.get("province") or t("nation", lang)
    heads, live, reports = {}, {}, {}
    focus, focus_rows = None, pd.DataFrame()
    if "deadlines" not in failed_sources:
        deadline_heads, now, live = _deadline_area(reg, r, dates, policy, cal)
        heads |= {(h.area, h.key): h for h in deadline_heads.values()}
        focus = r.view.deadline or m.map_deadline(list(live), policy.due, r.as_of,
                                                  dl_m.default_deadline(policy, r.as_of))
        focus_rows = now.rows[now.rows["deadline"] == focus].reset_index(drop=True)
        reports = m.report_summary(_report_tracker(results, now, r, policy, cal))
    groups, limit = (results["duplicates:series"].groups if "duplicates" not in failed_sources else None,
                     policy.duplicate_workdays)
    coverage = results["inspections:coverage"]
    total_at = {
        "duplicates": lambda when, day: dup_m.total_row(own, name, dup_m.classify(groups, day, cal, limit), 0),
        "backlog": lambda when, day: bl_m.total_row(bl_m.region_rows(
            results["backlog:children"], bl_m.changes_at(results["backlog:changes"], r.year, day, policy, cal),
            bl_m.suspects_at(*results["backlog:suspects"], day)), own, name).iloc[0],
        "inspections": lambda when, day: insp_m.total_row(insp_m.coverage_rows(
            coverage[0], insp_m.coverage_at(*coverage[1:], day)), own, name),
    }
    for area, total in total_at.items():
        if area in failed_sources:
            continue
        try:
            totals = _at_dates(dates, total)
        except UnknownCalendarYear as exc:  # a count that runs into an unknown year fails its area alone
            log.error("briefing: %s area: %s", area, exc)
            failed[area] = describe(exc, lang)[0]
            note_past_calendar(f"br_area_{area}")
            continue
        heads |= {(h.area, h.key): h for h in m.total_headlines(area, totals).values()}
    behind = {}
    if "records" not in failed_sources:
        try:
            records_heads, behind = _records_area(results, r.year, dates, r.names, own, name)
            heads |= records_heads
        except UnknownCalendarYear as exc:  # the records' working-day medians at the year's last days
            log.error("briefing: records area: %s", exc)
            failed["records"] = describe(exc, lang)[0]
            note_past_calendar("br_area_records")
    if "funding" not in failed_sources:
        funding_heads, behind["funding"] = _funding_area(results, r.region, r.year, dates, r.names, own, name)
        heads |= funding_heads
    facts = m.Facts(r.as_of, r.region.level, name, heads, reports, live, behind)
    return BriefingView(r.view, r.region, r.labels, name, r.as_of, r.year, dates, heads, failed, focus, focus_rows,
                        live, reports, sentences(facts, lang), r.scope, reg.freshness(), behind)


def _records_area(results: dict, year: int, dates: dict, names, own: str, name: str) -> tuple[dict, dict]:
    """The records page's totals at each date (its headlines) and its child rows at D (who is behind), named
    by ``names`` (the view's ``Resolved.names``: English names in English), all from its two day-grouped
    results."""
    kids, policy, cal = results["records:children"], policy_for(year), calendar()
    lags = _at_dates(dates, lambda when, day: rec_m.lags_at(results["records:records"], year, day, cal,
                                                             policy.record_approval_workdays))
    graduation = _at_dates(dates, lambda when, day: rec_m.graduation_rows(
        kids, rec_m.graduation_at(results["records:graduation"], year, day, cal, policy)))
    totals = {"records": _at_dates(dates, lambda when, day: rec_m.record_total(lags[when], own, name).iloc[0]),
              "graduation": _at_dates(dates, lambda when, day: rec_m.graduation_total(graduation[when], own,
                                                                                        name).iloc[0])}
    now = {"records": rec_m.record_rows(kids, lags["now"]), "graduation": graduation["now"]}
    heads, behind = {}, {}
    for area in ("records", "graduation"):
        heads |= {(h.area, h.key): h for h in m.total_headlines(area, totals[area]).values()}
        behind[area] = m.furthest_behind(names(now[area].assign(drill=now[area]["code"])), area)
    return heads, behind


def _funding_area(results: dict, region: Region, year: int, dates: dict, names, own: str,
                  name: str) -> tuple[dict, pd.DataFrame]:
    """The funding page's own row of the latest term begun at each date (its headlines: the students in the gap
    and the estimated gap in yuan, the term in ``extra``) and its child rows at D with the largest estimated
    gaps (who is behind), all from its D-independent results."""
    found = {key.split(":", 1)[1]: value for key, value in results.items() if key.startswith("funding:")}
    kids, policy = found["children"], policy_for(year)
    views = _at_dates(dates, lambda when, day: fd_m.view_rows(found, kids, region.level, region.province, own,
                                                               name, policy, day, latest_only=True))
    totals = {when: (None if v is None or v[1].empty else v[1].iloc[-1]) for when, v in views.items()}
    heads = {}
    for h in m.total_headlines("funding", totals).values():
        term = totals["now"]["term"] if totals["now"] is not None else None
        heads[(h.area, h.key)] = replace(h, extra={"term": term})
    rows, _ = views["now"]
    if rows.empty:
        return heads, m.furthest_behind(pd.DataFrame(columns=["drill", "code", "name", "gap_yuan"]), "funding")
    latest = rows[rows["term"] == rows["term"].iloc[-1]]
    latest = latest.assign(gap_yuan=[float("nan") if g is None else float(g) for g in latest["gap_yuan"]],
                           drill=latest["code"])
    return heads, m.furthest_behind(names(latest), "funding")


#: ``/export/briefing.xlsx`` (and ``.csv``): one row per figure the briefing shows.
EXPORT_COLUMNS = ["section", "area", "metric", "label", "rank", "code", "name", "as_of", "value", "done", "total",
                  "status", "week_as_of", "week_value", "change_week", "month_as_of", "month_value", "change_month",
                  "link"]


def export_frame(query: dict, scope: Scope) -> pd.DataFrame:
    """The numbers behind the briefing: every headline at D with its week and month comparisons, the
    laggards of each live deadline, and every child region on the map's deadline."""
    b = briefing_data(query, scope)
    lang, base, rows = b.view.lang, public_base(), []
    for area, key in ((area, key) for area, keys in m.AREAS.items() for key, _ in keys):
        head = b.headlines.get((area, key))
        if head is None:  # its source failed: the page says so
            continue
        rows.append({
            "section": "headline", "area": area, "metric": key, "label": metric_label(area, key, lang),
            "code": "nation" if b.region.level == "nation" else b.region.province, "name": b.region_name,
            "as_of": b.as_of, "value": head.values["now"], "done": head.done, "total": head.total,
            "status": head.status, "link": base + (b.headline_href(head) or ""),
            **{f"{w}_as_of": b.dates[w] for w in m.WHEN[1:]}, **{f"{w}_value": head.values[w] for w in m.WHEN[1:]},
            **{f"change_{w}": head.change(w) for w in m.WHEN[1:]},
        })
    for deadline, behind in b.live.items():
        for rank, r in enumerate(behind.itertuples(), start=1):
            rows.append({"section": "laggard", "area": "deadlines", "metric": deadline,
                         "label": deadline_name(deadline, lang), "rank": rank, "code": r.code, "name": r.name,
                         "as_of": b.as_of, "value": r.pct_done, "done": r.done, "total": r.total,
                         "status": r.status, "link": base + b.child_href("/deadlines", r.drill, deadline=deadline)})
    for area, behind in b.behind.items():
        for rank, r in enumerate(behind.itertuples(), start=1):
            rows.append({"section": "laggard", "area": area, "metric": "+".join(m.BEHIND_KEYS[area]),
                         "label": t(f"br_area_{area}", lang), "rank": rank, "code": r.code, "name": r.name,
                         "as_of": b.as_of, "value": r.value,
                         "link": base + b.child_href(m.AREA_PAGES[area], r.drill)})
    for r in b.focus_rows.itertuples():
        rows.append({"section": "map", "area": "deadlines", "metric": b.focus, "label": deadline_name(b.focus, lang),
                     "code": r.code, "name": r.name, "as_of": b.as_of, "value": r.pct_done, "done": r.done,
                     "total": r.total, "status": r.status,
                     "link": base + b.child_href("/deadlines", r.drill, deadline=b.focus)})
    out = pd.DataFrame(rows, columns=EXPORT_COLUMNS)
    for col in ("as_of", "week_as_of", "month_as_of"):
        out[col] = out[col].map(lambda d: d.isoformat() if isinstance(d, dt.date) else None)
    return export_names(out, "province", lang)


def metric_label(area: str, key: str, lang: str) -> str:
    """A headline's name: the deadline's own name, or the area's figure."""
    if (key, "deadline") in AREAS[area]:
        return deadline_name(key, lang)
    return t(f"br_{area}_{key}", lang)


def value_text(head, when: str = "now") -> str:
    value = head.values.get(when)
    if value is None:
        return "—"
    return pct_text(value) if head.kind in ("deadline", "pct") else f"{int(value):,}"


def change_text(head, when: str) -> str:
    change = head.change(when)
    if change is None:
        return "—"
    if head.kind == "count":
        return f"{change:+,d}" if change else "0"
    return f"{change:+.1f}" if change else "0.0"


def column_head(b, when: str, lang: str) -> str:
    """'较一周前 06-03' / 'vs 06-03 (−7 d)': a comparison column and its date."""
    day = b.dates[when]
    return t(f"br_{when}", lang, day=f"{day:%m-%d}" if day else "—")


def public_base() -> str:
    """The dashboard's configured address (``AIDWATCH_PUBLIC_URL``), so that a downloaded file's links lead
    back to it; "" (same-site paths) without one. Never the request's Host header, which anyone can forge."""
    return (flask.current_app.config.get("AIDWATCH_PUBLIC_URL") or "") if flask.has_app_context() else ""
