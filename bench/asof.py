"""One page's as-of change at national scale: the content callback at past dates, result cache warm.

    python -m bench.asof [--page briefing] [--scale 1.0] [--backends sqlite,postgresql] [--repeat 5]

What ``make bench`` reports as *as-of* for every page (one date, 30 days before the snapshot), for one
page at several past dates: the page's national first view is drawn once (cold, then warm), and then
each date is drawn ``--repeat`` times; the first drawing of a date is its first as-of change (the result
cache holds the first view's results only), the others are that date warm. Medians, in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

from bench import filecache, registries
from bench.measure import _cold, _content, _layout, build_app
from bench.pages import PAGES

#: Days before the snapshot the as-of dates lie.
DAYS_BEFORE = (30, 7, 90, 200)


def measure(url: str, page_name: str, repeat: int) -> dict:
    from dashboard import PAGES as PAGE_MODULES

    page = next(p for p in PAGES if p.name == page_name)
    app, client = build_app(url)
    module = PAGE_MODULES[page.name]
    _cold(app)
    started = time.perf_counter()
    cold = _layout(app, module, {}) + _content(client, page, {})
    warm = statistics.median(_layout(app, module, {}) + _content(client, page, {}) for _ in range(repeat))
    snapshot = app.server.extensions["aidwatch_registry"].freshness().default_as_of
    reg = app.server.extensions["aidwatch_registry"]
    ran, execute = [], reg._execute

    def counting(fn, scope, *args):
        ran.append(fn.__qualname__)
        return execute(fn, scope, *args)

    dates = {}
    for days in DAYS_BEFORE:
        view = {"as_of": (snapshot - dt.timedelta(days=days)).isoformat()}
        ran.clear()
        reg._execute, cpu = counting, time.process_time()
        first = _content(client, page, view)
        # the queries the date change ran (the cache answers the others), and this process's CPU time: on a
        # machine shared with other work the wall time stretches, these do not
        reg._execute, cpu = execute, time.process_time() - cpu
        again = [_content(client, page, view) for _ in range(repeat)]
        dates[days] = {"first": first, "warm": statistics.median(again), "queries": len(ran), "cpu": cpu}
    return {"cold": cold, "warm": warm, "dates": dates, "seconds": time.perf_counter() - started}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--page", default="briefing")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--backends", default="sqlite")
    args = ap.parse_args(argv)
    for backend in args.backends.split(","):
        url = registries.registry_for(backend, args.scale)
        size, seconds = filecache.warm(url)
        print(f"{backend}: read {size / 2**30:.1f} GiB into the file cache in {seconds:.0f} s; load "
              f"{os.getloadavg()[0]:.1f}", flush=True)
        out = measure(url, args.page, args.repeat)
        print(f"{backend} {args.page}: cold {out['cold'] * 1000:,.0f} ms, warm {out['warm'] * 1000:,.0f} ms", flush=True)
        for days, figures in out["dates"].items():
            print(f"  as of D-{days}: first {figures['first'] * 1000:,.0f} ms ({figures['queries']} queries, CPU "
                  f"{figures['cpu'] * 1000:,.0f} ms), again {figures['warm'] * 1000:,.0f} ms")
        print(f"  load average {os.getloadavg()[0]:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
