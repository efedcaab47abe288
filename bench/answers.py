"""What a shared answer saves: each page's content callback rebuilt from cached query results, against the
same view served as its stored answer (``dashboard.answers``), in-process, with the answer's size.

``python -m bench.answers --scale 0.1`` (the demo registry of ``bench.registries``, SQLite). The national
landing view of each page as the ministry: one request fills the result cache and the answer; then
``--repeat`` times the answer is dropped and the view rebuilt ("rebuilt"), and served from the answer
("answer"), through Flask, the login guard and Dash's dispatch (a test client, no network). Medians.
"""

from __future__ import annotations

import argparse
import statistics
import time

import brotli

from bench import dash_requests, registries
from bench.measure import build_app
from bench.pages import PAGES
from dashboard import answers


def _post(client, prefix: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.post(answers.DISPATCH, data=dash_requests.body(dash_requests.content(prefix, {})),
                           content_type="application/json", headers={"Accept-Encoding": "br"})
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or b'"aw-message"' in brotli.decompress(response.data):
        raise RuntimeError(f"{prefix}: HTTP {response.status_code}")
    return elapsed, response.data


def measure(registry_url: str, repeat: int) -> list[dict]:
    app, client = build_app(registry_url)
    shared = answers.of(app)
    rows = []
    for page in PAGES:
        _post(client, page.prefix)
        rebuilt, served = [], []
        for _ in range(repeat):
            shared.cache.clear()
            rebuilt.append(_post(client, page.prefix)[0])
            elapsed, body = _post(client, page.prefix)
            served.append(elapsed)
        rows.append({"page": page.name, "rebuilt": statistics.median(rebuilt), "answer": statistics.median(served),
                     "br_bytes": len(body), "json_bytes": len(brotli.decompress(body))})
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    print("| page | rebuilt from cached results | served as the stored answer | answer (Brotli) | JSON |")
    print("|---|---|---|---|---|")
    for r in measure(registries.sqlite_registry(args.scale), args.repeat):
        print(f"| {r['page']} | {r['rebuilt'] * 1000:,.0f} ms | {r['answer'] * 1000:,.1f} ms "
              f"| {r['br_bytes'] / 1024:,.0f} KiB | {r['json_bytes'] / 1024:,.0f} KiB |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
