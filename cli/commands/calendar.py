"""``aidwatch calendar status``: which years the working-day calendar knows, and where each came from.

Run it after editing the supplement file, and from monitoring in December: the
State Council publishes next year's holiday schedule in November, and from
1 December every 10-working-day clock of the year's last days runs into it.

Exit status: 0 every schedule due by today is loaded, 1 one is missing (the
current year, or from 1 December the next), 2 the calendar cannot be built
(a supplement file that is missing, malformed or leaves a gap).
"""

from __future__ import annotations

import datetime as dt
import os
from itertools import groupby

import click

EXIT_OK, EXIT_MISSING, EXIT_BROKEN = 0, 1, 2


def _ranges(sources: dict[int, str]) -> list[tuple[int, int, str]]:
    """``(first, last, source)`` for each run of consecutive years with the same source."""
    out = []
    for source, run in groupby(sorted(sources.items()), key=lambda item: item[1]):
        years = [year for year, _ in run]
        out.append((years[0], years[-1], source))
    return out


@click.group("calendar")
def calendar_group() -> None:
    """The working-day calendar (official holidays and make-up working days)."""


@calendar_group.command("status")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Judge what is due as of this day (default: today).")
def status(today: dt.datetime | None) -> None:
    """Say which years are known and where each came from; flag a schedule that is due and missing."""
    from aidwatch.workdays import SUPPLEMENT_ENV, calendar

    day = today.date() if today else dt.date.today()
    path = os.environ.get(SUPPLEMENT_ENV) or None
    try:
        cal = calendar()
    except (OSError, ValueError, LookupError) as exc:
        click.echo(f"error: the working-day calendar cannot be built: {exc}", err=True)
        raise SystemExit(EXIT_BROKEN) from None
    click.echo(f"supplement file ({SUPPLEMENT_ENV}): {path or 'not set'}")
    click.echo(f"known years: {cal.first.year}–{cal.last.year}")
    for first, last, source in _ranges(cal.sources):
        years = str(first) if first == last else f"{first}–{last}"
        click.echo(f"  {years:<10} {source}")
    nxt = day.year + 1
    missing = cal.missing_schedule(day)
    if missing is None:
        state = "known" if nxt in cal.years else "not known yet (due from 1 December)"
        click.echo(f"next year {nxt}: {state}")
        raise SystemExit(EXIT_OK)
    click.echo(
        f"MISSING: {missing} is not known. Clocks that run into {missing} show no due day, and counts of "
        f"working days into it cannot be made. Add the State Council's schedule "
        f"(国务院办公厅关于{missing}年部分节假日安排的通知) as a [{missing}] table in the supplement file named "
        f"by {SUPPLEMENT_ENV}, then restart the dashboard (docs/working-days.md).")
    raise SystemExit(EXIT_MISSING)
