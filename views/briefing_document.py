"""The briefing as a document (``views.document``): what its PDF and its Word file say, in which order.

Title and date; the summary's sentences; the headline figures with their
week and month comparisons (a table whose cells link to the page each figure
comes from); the map's deadline per region and who is furthest behind. The
PDF (``exports.briefing_pdf``) and the Word file (``exports.docx_writer``)
draw this one model; the page draws the same figures from the same
``callbacks.briefing.BriefingView``.
"""

from __future__ import annotations

import datetime as dt

from aidwatch.metrics.briefing import AREAS, WHEN
from aidwatch.narrative import day_text, pct_text
from views.palette import short_names
from views.document import Cell, Document, MapItem, Message, Paragraph, Ranked, RegionMap, Section, Sentences, Table
from aidwatch.i18n import deadline_name, status_name, t
from views.briefing import change_text, column_head, metric_label, value_text


def _status(status: str | None, lang: str) -> Cell:
    return Cell(status_name(status, lang), status=status) if status else Cell("")


def headline_rows(b, lang: str, url) -> tuple:
    """Per area: its figures at D (``done/total`` after a percentage), their changes since a week and a
    month before (the earlier value after it) and their status; an area whose source failed says why."""
    rows = []
    for area, keys in AREAS.items():
        area_name = t(f"br_area_{area}", lang)
        if area in b.failed:
            rows.append((Cell(area_name, bold=True), Cell(t("br_unavailable", lang, reason=b.failed[area]))))
            continue
        for i, (key, _) in enumerate(keys):
            head = b.headlines[(area, key)]
            value = value_text(head)
            cells = [Cell(area_name if i == 0 else "", bold=True), Cell(metric_label(area, key, lang)),
                     Cell(value, href=url(b.headline_href(head)) if value != "—" else None, bold=True,
                          sub=f" ({head.done:,}/{head.total:,})" if head.done is not None else "")]
            for when in WHEN[1:]:
                change, text = head.change(when), change_text(head, when)
                tone = "plain" if not change else ("worse" if (change > 0) == head.worse_up else "better")
                cells.append(Cell(text, href=url(b.headline_href(head, when)) if text != "—" else None, tone=tone,
                                  sub=f" ({value_text(head, when)})" if change is not None else ""))
            rows.append((*cells, _status(head.status, lang)))
    return tuple(rows)


def region_map(b, lang: str, url) -> RegionMap | None:
    """The map's deadline per child region, least done first (None without a deadline or regions)."""
    if not b.focus or b.focus_rows.empty:
        return None
    nation = b.region.level == "nation"
    short = short_names(lang)
    data = b.focus_rows.assign(sort=b.focus_rows["pct_done"].fillna(-1)).sort_values(["sort", "name"])
    items = tuple(MapItem(code=str(r.drill), label=short.get(r.drill, str(r.drill)) if nation else str(r.name),
                          name=str(r.name), value=None if r.pct_done != r.pct_done else float(r.pct_done),
                          text=pct_text(r.pct_done), done=int(r.done), total=int(r.total), status=r.status,
                          status_text=status_name(r.status, lang), href=url(b.child_href("/deadlines", r.drill, deadline=b.focus)))
                  for r in data.itertuples())
    deadline = deadline_name(b.focus, lang)
    title = t("tiles_title", lang, deadline=deadline) if nation else t("bars_title", lang, deadline=deadline)
    head = (t(b.child_level, lang), t("pct_done", lang), f"{t('done', lang)}/{t('total', lang)}", t("status", lang))
    return RegionMap(title, "tiles" if nation else "bars", items, head)


def laggards(b, lang: str, url) -> tuple:
    """Each live deadline's regions furthest behind, or why there is nothing to list."""
    level = t(f"br_level_{b.child_level}", lang)
    if "registration" in b.failed:
        return (Message(t("br_unavailable", lang, reason=b.failed["registration"])),)
    if not b.live:
        return (Message(t("br_no_live", lang)),)
    lists = []
    for deadline, behind in b.live.items():
        rows = []
        for i, r in enumerate(behind.itertuples(), start=1):
            href = url(b.child_href("/deadlines", r.drill, deadline=deadline))
            rows.append((Cell(str(i)), Cell(str(r.name), href=href), Cell(pct_text(r.pct_done), href=href, bold=True),
                         Cell(f"{r.done:,}/{r.total:,}"), _status(r.status, lang)))
        lists.append(Ranked(f"{deadline_name(deadline, lang)} · {t('br_laggards', lang, level=level)}", tuple(rows),
                            t("br_laggards_none", lang, level=level),
                            ("", t(b.child_level, lang), t("pct_done", lang), f"{t('done', lang)}/{t('total', lang)}",
                             t("status", lang))))
    return tuple(lists)


def briefing_document(b, lang: str, base: str) -> Document:
    """The briefing ``b`` (``callbacks.briefing.BriefingView``) as a document in ``lang``; links are
    absolute (``base`` = the dashboard's URL), so that they work from a file."""
    base = base.rstrip("/")

    def url(href: str | None) -> str | None:
        return base + href if href else None

    snap = b.fresh.snapshot_at
    footer = t("br_footer", lang, day=b.as_of.isoformat(),
               snapshot=f"{snap:%Y-%m-%d %H:%M}" if snap else t("no_snapshot", lang),
               generated=f"{dt.datetime.now():%Y-%m-%d %H:%M}")
    head = (t("br_area", lang), t("br_metric", lang), f"{t('br_now', lang)} {b.as_of:%m-%d}",
            *[column_head(b, w, lang) for w in WHEN[1:]], t("status", lang))
    figure = region_map(b, lang, url)
    sections = (
        Section(t("br_summary", lang), (Sentences(tuple(b.sentences)),)),
        Section(t("br_headlines", lang), (Table(head, headline_rows(b, lang, url), "LLRRRL"),
                                          Paragraph(t("br_pp_note", lang), "note"))),
        Section(t("br_map_title", lang), ((figure,) if figure else ()) + laggards(b, lang, url)),
    )
    return Document(lang, (t("br_title", lang, region=b.region_name),), sections,
                    subtitle=t("br_subtitle", lang, day=day_text(b.as_of, lang), year=b.year), footer=footer)
