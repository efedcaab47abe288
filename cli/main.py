"""The ``aidwatch`` command: one group, one module per sub-command family."""

from __future__ import annotations

import click

from cli.commands import audit, calendar, demo, digests, replica, serve, supervision, users, warm


@click.group()
def main() -> None:
    """aidwatch — 技工院校学生资助监测看板."""


main.add_command(demo.demo_data)
main.add_command(replica.check_replica)
main.add_command(serve.serve)
main.add_command(users.users)
main.add_command(audit.audit)
main.add_command(digests.subscriptions)
main.add_command(digests.digests)
main.add_command(calendar.calendar_group)
main.add_command(supervision.supervision)
main.add_command(warm.warm)


if __name__ == "__main__":  # ``python -m cli.main``: the warm-up child (cli.warmup) runs so
    main()
