"""``aidwatch demo-data``: fill an empty database with a synthetic national registry."""

from __future__ import annotations

import datetime as dt

import click

from aidwatch.workdays import UnknownCalendarYear


def default_until(today: dt.date | None = None) -> dt.date:
    """Today, unless the working-day calendar cannot cover a month after it.

    Records near the snapshot have due days up to a few weeks later, so a
    snapshot needs the calendar to run on; past that, the demo's snapshot is
    the last day that still works, so that ``make run`` keeps working on a
    new machine before an operator adds next year's schedule.
    """
    from aidwatch.workdays import calendar

    today = today or dt.date.today()
    latest = calendar().last - dt.timedelta(days=31)
    if today > latest:
        click.echo(f"note: the working-day calendar ends {calendar().last}; the demo snapshot is {latest}", err=True)
        return latest
    return today


@click.command("demo-data")
@click.option("--url", required=True, help="SQLAlchemy URL of an EMPTY SQLite file or PostgreSQL database.")
@click.option("--scale", type=float, default=0.01, show_default=True,
              help="1.0 = national size (~2,900 schools, ~4.5 million students).")
@click.option("--seed", type=int, default=2025, show_default=True, help="Same seed, scale and until: same data.")
@click.option("--until", "until", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Snapshot day (default today): nothing dated after it exists.")
def demo_data(url: str, scale: float, seed: int, until: dt.datetime | None) -> None:
    """Generate the demo registry the dashboard is developed and demonstrated on."""
    from aidwatch.demo import generate_registry
    from aidwatch.demo.write import RegistryNotEmpty

    day = until.date() if until else default_until()
    try:
        summary = generate_registry(url, scale=scale, seed=seed, until=day)
    except (RegistryNotEmpty, UnknownCalendarYear, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(summary.rows.values())
    click.echo(f"demo registry written: {total:,} rows in {summary.seconds:.1f} s, snapshot_at {summary.snapshot_at}")
    for name, count in summary.rows.items():
        click.echo(f"  {name:<18} {count:>12,}")
