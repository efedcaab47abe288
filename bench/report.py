"""``docs/performance.md``: what was measured, on which machine, and against which targets."""

from __future__ import annotations

import datetime as dt
import os
import platform
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "performance.md"

TARGETS = {  # seconds, from the national-scale issue
    "cold": {"sqlite": 3.0, "postgresql": 1.5},
    "warm": 0.150, "asof": 0.150, "drill": 1.0, "browser": 1.5, "overhead": 0.25, "rss_mib": 1024,
    "js_bytes": 2_000_000,
}


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        mem = 0
    return f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}"


def _ms(value) -> str:
    return "—" if value is None else f"{value * 1000:,.0f} ms"


def _check(value, target) -> str:
    if value is None:
        return ""
    return "✓" if value <= target else f"✗ (+{(value / target - 1) * 100:.0f} %)"


def _browser(browser: dict, backend: str, name: str, key: str = "warm"):
    return browser.get(backend, {}).get(name, {}).get(key)


def _first_visits(pages: dict) -> list[str]:
    """``bench.browser.first_visit`` per page: a new browser profile, nothing cached but the server's results."""
    if not pages:
        return []
    lines = ["First visit (a new browser profile, logged in and sent to the page; the server's result cache "
             "warm): JavaScript on the wire and uncompressed, `_dash-update-component` requests until drawn "
             "(the page router and the content: 2 is one render), time from the login's submit to drawn.", "",
             "| page | JS on the wire | JS uncompressed | callback requests | first visit to drawn |",
             "|---|---|---|---|---|"]
    for name, r in pages.items():
        v = r["first"]
        lines.append(f"| {name} | {v.js_transfer / 1e6:.2f} MB {_check(v.js_transfer, TARGETS['js_bytes'])} | "
                     f"{v.js_decoded / 1e6:.2f} MB | {v.updates} | {_ms(v.drawn_s)} |")
    return [*lines, ""]


def write(scale: float, results: dict, browser: dict, rss_mib: float, generation: dict, repeat: int,
          warm_up: dict, load: tuple) -> Path:
    lines = [
        "# Performance",
        "",
        f"Measured by `make bench` on {dt.date.today().isoformat()}: {_machine()}.",
        f"Registry scale {scale} (1.0 = national: ~2,900 schools, ~4.5 million students, every term's aid "
        "since spring 2025), seed 2025, snapshot 2026-11-26. Medians of "
        f"{repeat} runs. These are the numbers the harness measured; rerun `make bench` to refresh them.",
        "",
        "- **cold**: the page's layout and content callbacks with an empty result cache (the first view); the "
        "registry's files were read into the operating system's file cache first, as a replica server keeps "
        "its working set in memory;",
        "- **warm**: the same again, served as its stored answer (`dashboard/answers.py`); **as-of**: another "
        "as-of date, rendered from the warm result cache;",
        "- **drill**: the largest province's view, cold; **floor**: the page's SQL run directly, uncached;",
        "- **overhead** = cold ÷ floor − 1: what the dashboard adds to the database's own time;",
        f"- **÷ cores** = floor ÷ {os.cpu_count()}: a lower bound on the cold view here. A view's queries run "
        "concurrently, but their work cannot take less time than spread perfectly over this machine's cores.",
        "",
        f"Load average (1 min) when the run started and ended: {load[0][0]:.1f} and {load[1][0]:.1f} on "
        f"{os.cpu_count()} cores. A load above the core count means other work shared the machine and "
        "the times are inflated by it. Even on an idle load the same cold view varies by 20–30 % from one "
        "run to the next on this shared virtual machine (in one session the rollout page's national cold "
        "view measured 2.6–3.4 s and the deadline page's 2.8–3.3 s, same code, same registry): a ✓ or ✗ "
        "within that margin of its target is not a robust pass or fail.",
        "",
    ]
    for backend, pages in results.items():
        lines += [f"## {backend}", "",
                  "| page | cold | warm | as-of | drill | floor | ÷ cores | overhead | browser (warm) "
                  "| browser drill |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, r in pages.items():
            cold_target = TARGETS["cold"][backend]
            overhead = r["overhead"]
            lines.append(
                f"| {name} | {_ms(r['cold'])} {_check(r['cold'], cold_target)} | {_ms(r['warm'])} "
                f"{_check(r['warm'], TARGETS['warm'])} | {_ms(r['asof'])} {_check(r['asof'], TARGETS['asof'])} | "
                f"{_ms(r['drill'])} {_check(r['drill'], TARGETS['drill'])} | {_ms(r['floor'])} | "
                f"{_ms(r['floor'] / os.cpu_count())} | "
                + ("—" if overhead is None else f"{overhead * 100:+.0f} % {_check(overhead, TARGETS['overhead'])}")
                + "".join(f" | {_ms(_browser(browser, backend, name, key))}"
                          f" {_check(_browser(browser, backend, name, key), TARGETS[target])}"
                          for key, target in (("warm", "browser"), ("drill", "drill"))) + " |")
        lines.append("")
        lines += _first_visits(browser.get(backend, {}))
    if warm_up:
        lines += ["## Warm-up per snapshot", "",
                  "In service every page's landing views — the nation and each province for the ministry and "
                  "leadership, each province supervisor's own — are rendered in both languages once per replica "
                  "snapshot in the background (`dashboard/warmup.py`, every `AIDWATCH_WARM_INTERVAL_S`; `GET "
                  "/ready` answers 200 once it is done), so the first person to open a page or drill to a "
                  "province gets the **warm** time above, and **cold** / **drill** are what the warm-up pays "
                  "once. Its duration:", "",
                  "| backend | warm-up of every landing view |", "|---|---|"]
        for backend, w in warm_up.items():
            lines.append(f"| {backend} | {w['total']:.1f} s ({len(w['views'])} views) |")
        lines.append("")
    lines += [f"Server peak RSS over the whole run: {rss_mib:,.0f} MiB "
              f"{_check(rss_mib, TARGETS['rss_mib'])} (target under 1 GiB).", ""]
    lines += ["Targets: cold first view within 3 s on SQLite and 1.5 s on PostgreSQL, overhead over the SQL "
              "floor under 25 %, warm view and as-of change under 150 ms, drill-down under 1 s cold (on the server "
              "and from the click to drawn in the browser), browser to-drawn under 1.5 s warm, JavaScript on the wire under 2 MB per first visit, server RSS under 1 GiB. ✗ marks a miss and by how much.", ""]
    if generation:
        lines += ["## Demo registry generation", "", "| registry | wall time | peak RSS | size |", "|---|---|---|---|"]
        for key, g in generation.items():
            size = f"{g['size_mib']:,} MiB" if "size_mib" in g else "—"
            lines.append(f"| {key} | {g['seconds'] / 60:.1f} min | {g['peak_rss_mib']:,} MiB | {size} |")
        lines.append("")
    lines += ["Many users at once: `docs/load.md` (`python -m bench.load`, 50 simulated users against gunicorn).", ""]
    DOC.write_text("\n".join(lines))
    return DOC
