"""``python -m bench`` (``make bench``): measure every page at national scale, write docs/performance.md.

    python -m bench [--scale 1.0] [--repeat 5] [--backends sqlite,postgresql] [--no-browser]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time

from bench import filecache, registries
from bench.measure import _cold, build_app, largest_province, measure_page
from bench.pages import PAGES
from bench.report import write


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    from dashboard import PAGES as PAGE_MODULES
    from dashboard import warmup

    results, browser, warm_up = {}, {}, {}
    load_before = os.getloadavg()
    for backend in args.backends.split(","):
        url = registries.registry_for(backend, args.scale)
        size, seconds = filecache.warm(url)
        print(f"{backend}: read {size / 2**30:.1f} GiB of registry files into the file cache in {seconds:.0f} s",
              flush=True)
        app, client = build_app(url)
        province = largest_province(url)
        results[backend] = {}
        for page in PAGES:
            print(f"{backend}: {page.name} …", flush=True)
            results[backend][page.name] = measure_page(app, client, page, PAGE_MODULES[page.name], url, province,
                                                       args.repeat)
            print(f"  {results[backend][page.name]}", flush=True)
        _cold(app)
        started = time.perf_counter()
        warm_up[backend] = {"total": None, "views": warmup.warm(app)}
        warm_up[backend]["total"] = time.perf_counter() - started
        print(f"  warm-up: {warm_up[backend]['total']:.1f} s", flush=True)
        if not args.no_browser:
            from bench.browser import measure_browser

            browser[backend] = measure_browser(app, PAGES, args.repeat)
            print(f"  browser: {browser[backend]}", flush=True)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    doc = write(args.scale, results, browser, rss_mib, registries.generation_figures(), args.repeat, warm_up,
                (load_before, os.getloadavg()))
    print(f"wrote {doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
