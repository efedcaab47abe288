"""``aidwatch subscriptions`` and ``aidwatch digests``: who gets which messages, and one sending round.

The command lines are fixed (issue 18) so that operators can script them. A webhook's access token and a
DingTalk signing secret are taken once and never printed again (listings show the robot's host only);
every change is audited under the operating-system account that made it, as ``aidwatch users`` does.
"""

from __future__ import annotations

import datetime as dt

import click

from cli.commands.users import _appdb, _fail_on_value_error, _read_password, app_db_group, cli_actor


def _outbox():
    from queries import outbox  # lazily, like the other commands: the dashboard package loads Dash

    return outbox


def _audit_change(db, action: str, sub: dict) -> None:
    _appdb().audit(db.engine, cli_actor(), action, None, {
        "user": sub["owner"], "subscription": sub["id"], "channel": sub["channel"], "recipient": sub["target"],
        "cadence": sub["cadence"], "at": sub["at_time"], "lang": sub["lang"], "areas": list(sub["areas"])})


def _areas_text(areas) -> str:
    return "all areas" if tuple(areas) == _outbox().AREAS else ",".join(areas)


@app_db_group
def subscriptions() -> None:
    """Digests and reminders: add, list, pause, resume, remove subscriptions."""


@subscriptions.command("add")
@click.argument("user")
@click.option("--channel", required=True, type=click.Choice(["email", "dingtalk", "wecom"]))
@click.option("--to", "address", metavar="ADDRESS", help="E-mail address (--channel email).")
@click.option("--webhook", metavar="URL", help="The group robot's webhook URL (--channel dingtalk|wecom).")
@click.option("--secret-file", type=click.File("r", encoding="utf-8"),
              help="File whose first line is the DingTalk robot's signing secret (SEC…); - for stdin.")
@click.option("--cadence", default="daily", show_default=True, type=click.Choice(["daily", "weekly", "events"]))
@click.option("--at", "at", default="08:30", show_default=True, metavar="HH:MM", help="Beijing time.")
@click.option("--lang", default="zh", show_default=True, type=click.Choice(["zh", "en"]))
@click.option("--areas", metavar="A,B,…", help="The areas covered, comma-separated: registration, approvals, "
              "rollout, duplicates, backlog, inspections, records, graduation (default: all).")
@click.pass_obj
def add(db, user: str, channel: str, address: str | None, webhook: str | None, secret_file, cadence: str,
        at: str, lang: str, areas: str | None) -> None:
    """Subscribe USER (an e-mail to them, or a group robot they own); the content is always USER's scope."""
    if channel == "email" and (not address or webhook):
        raise click.UsageError("--channel email takes --to ADDRESS (and no --webhook)")
    if channel != "email" and (not webhook or address):
        raise click.UsageError(f"--channel {channel} takes --webhook URL (and no --to)")
    if secret_file is not None and channel != "dingtalk":
        raise click.UsageError("--secret-file is for DingTalk robots only")
    secret = _read_password(secret_file) if secret_file is not None else None
    outbox = _outbox()
    if areas is not None:
        try:
            outbox.parse_areas(areas)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--areas") from exc
    sub_id = _fail_on_value_error(outbox.add, db.engine, user, channel, address or webhook, cadence, at, lang, secret,
                                  areas)
    sub = outbox.get(db.engine, sub_id)
    _audit_change(db, "subscription_add", sub)
    click.echo(f"subscription {sub_id}: {channel} {sub['target']} for {user}, {cadence}"
               + (f" at {at}" if cadence != "events" else "") + f", {lang}, {_areas_text(sub['areas'])}"
               + (", signed" if secret else ""))


@subscriptions.command("list")
@click.pass_obj
def list_(db) -> None:
    """Every subscription (webhooks shown by host only, secrets never)."""
    subs = _outbox().listing(db.engine)
    if not subs:
        click.echo("no subscriptions yet: add one with `aidwatch subscriptions add USER --channel …`")
        return
    click.echo("\t".join(("id", "user", "channel", "to", "cadence", "at", "lang", "areas", "state", "last result")))
    for s in subs:
        state = "paused" if s["paused"] else ("failing" if s["failures"] else "active")
        click.echo("\t".join(str(v) for v in (s["id"], s["owner"], s["channel"], s["target"], s["cadence"],
                                               s["at_time"], s["lang"], _areas_text(s["areas"]), state,
                                               s["last_result"] or "-")))


def _change(db, sub_id: int, action: str, fn, *args) -> dict:
    outbox = _outbox()
    sub = outbox.get(db.engine, sub_id)
    if sub is None:
        raise click.ClickException(f"no subscription {sub_id}")
    _fail_on_value_error(fn, db.engine, sub_id, *args)
    _audit_change(db, action, sub)
    return sub


@subscriptions.command("pause")
@click.argument("sub_id", metavar="ID", type=int)
@click.pass_obj
def pause(db, sub_id: int) -> None:
    """Stop sending (nothing is owed for the time paused)."""
    _change(db, sub_id, "subscription_pause", _outbox().set_paused, True)
    click.echo(f"paused subscription {sub_id}")


@subscriptions.command("resume")
@click.argument("sub_id", metavar="ID", type=int)
@click.pass_obj
def resume(db, sub_id: int) -> None:
    """Send again, from the next due period."""
    _change(db, sub_id, "subscription_resume", _outbox().set_paused, False)
    click.echo(f"resumed subscription {sub_id}")


@subscriptions.command("remove")
@click.argument("sub_id", metavar="ID", type=int)
@click.pass_obj
def remove(db, sub_id: int) -> None:
    """Delete a subscription and its outbox rows (the audit log keeps what was sent)."""
    _change(db, sub_id, "subscription_remove", _outbox().remove)
    click.echo(f"removed subscription {sub_id}")


def _now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO date-time (e.g. 2026-10-08T09:00)", param_hint="--now")


@click.group()
def digests() -> None:
    """Digests and reminders: send what is due."""


@digests.command("run")
@click.option("--now", "now", metavar="ISO-DATETIME",
              help="Run as if the clock read this (Beijing time unless it has a zone); default: now.")
def run(now: str | None) -> None:
    """One round: render what each subscription is owed, send the outbox, report (for cron or a timer)."""
    import logging

    from dashboard import create_app
    from notifications import digests as rounds

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    when = _now(now)
    app = create_app()
    result = rounds.run_round(app, when)
    click.echo(f"digests: {result.enqueued} new, {result.sent} sent, {result.retrying} to retry, "
               f"{result.failed} failed, {result.skipped} subscriptions could not be rendered")
    if result.skipped or result.failed:
        raise SystemExit(1)
