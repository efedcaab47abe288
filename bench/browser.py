"""Browser time from navigation to every figure and table drawn, in headless Chromium, warm; a drill-down
click from the nation to a province drawn; and what a first visit costs: JavaScript bytes on the wire and
``_dash-update-component`` requests.

    python -m bench.browser --base http://127.0.0.1:8050 --user NAME --password-file FILE [/deadlines ...]

measures a running dashboard's first visits (a new browser profile per page, so nothing is cached).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from bench.measure import PASSWORD, USER
from bench.pages import PAGES

#: What the page's resource timings say about its first visit (same-origin, so sizes are exposed).
RESOURCES_JS = """
const entries = performance.getEntriesByType('resource');
const js = entries.filter(e => /\\.js(\\?|$)/.test(new URL(e.name).pathname + '?'));
return {
  js_transfer: js.reduce((n, e) => n + e.transferSize, 0),
  js_decoded: js.reduce((n, e) => n + e.decodedBodySize, 0),
  js_files: js.map(e => [new URL(e.name).pathname, e.transferSize, e.decodedBodySize]),
  updates: entries.filter(e => e.name.includes('/_dash-update-component')).length,
};
"""


@dataclass(frozen=True)
class FirstVisit:
    js_transfer: int    # bytes of JavaScript on the wire (compressed when the server compresses)
    js_decoded: int     # the same JavaScript uncompressed
    updates: int        # _dash-update-component requests until drawn
    drawn_s: float      # navigation → data drawn, nothing cached (but the server's result cache warm)
    js_files: list


def _driver() -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,1000",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"):
        opts.add_argument(arg)
    opts.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=opts)


def _login(driver, base: str, user: str, password: str) -> None:
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "aw-user")))


def _wait_drawn(driver, selector: str) -> None:
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, selector)))
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(
        "return (!document.querySelector('.dash-graph') || document.querySelectorAll('.js-plotly-plot').length > 0)"
        " && !document.querySelector('[data-dash-is-loading=true]')"))


def first_visit(base: str, path: str, drawn: str, user: str, password: str, settle_s: float = 1.0) -> FirstVisit:
    """One page opened in a new browser profile as the login's ``next``: the JavaScript it downloads (the
    login page loads none of Dash's; the time includes the login's redirect) and the callbacks it asks for
    until drawn and ``settle_s`` after (a second render would show there)."""
    driver = _driver()
    try:
        driver.get(base + "/login?next=" + quote(path, safe="/?=&"))
        driver.find_element(By.NAME, "username").send_keys(user)
        driver.find_element(By.NAME, "password").send_keys(password)
        started = time.perf_counter()
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        _wait_drawn(driver, drawn)
        drawn_s = time.perf_counter() - started
        time.sleep(settle_s)
        got = driver.execute_script(RESOURCES_JS)
    finally:
        driver.quit()
    return FirstVisit(got["js_transfer"], got["js_decoded"], got["updates"], drawn_s, got["js_files"])


#: A province view's grid is drawn: its region links lead to cities, and nothing is loading.
DRILLED_JS = ("return !!document.querySelector(arguments[0] + ' a.aw-drill-link[href*=\"city=\"]')"
              " && !document.querySelector('[data-dash-is-loading=true]')")


def drill_clicks(driver, base: str, page, repeat: int) -> list[float]:
    """Seconds from a click on a province's name in the nation view's region grid (the keyboard users'
    drill link; the map and bars lead to the same URL) to the province's view drawn. Each repeat clicks the
    next province in the grid, so every drill is a first view of that province for this user, as a
    ministry user's drill-down is."""
    grid = page.drawn.split()[0]
    times = []
    for i in range(repeat):
        driver.get(base + page.path)
        _wait_drawn(driver, page.drawn)
        links = driver.find_elements(By.CSS_SELECTOR, f"{grid} a.aw-drill-link")
        started = time.perf_counter()
        driver.execute_script("arguments[0].click()", links[i % len(links)])
        WebDriverWait(driver, 60).until(lambda d: d.execute_script(DRILLED_JS, grid))
        times.append(time.perf_counter() - started)
    return times


def measure_browser(app, pages, repeat: int) -> dict:
    """Page name → {"warm": median seconds to drawn, "drill": median seconds of ``drill_clicks`` (pages with
    a region grid), "first": ``FirstVisit``}."""
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    driver = _driver()
    out = {}
    try:
        _login(driver, base, USER, PASSWORD)
        for page in pages:
            times = []
            for i in range(repeat + 1):
                started = time.perf_counter()
                driver.get(base + page.path)
                _wait_drawn(driver, page.drawn)
                if i:  # the first load warms the cache; the figures are warm loads
                    times.append(time.perf_counter() - started)
            drills = drill_clicks(driver, base, page, repeat) if page.drawn.endswith(".ag-row") else []
            out[page.name] = {"warm": statistics.median(times),
                              "drill": statistics.median(drills) if drills else None,
                              "first": first_visit(base, page.path, page.drawn, USER, PASSWORD)}
    finally:
        driver.quit()
        server.shutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="http://127.0.0.1:8050")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--files", action="store_true", help="list each JavaScript file's bytes")
    ap.add_argument("paths", nargs="*", help="pages to open (default: the benchmark's pages)")
    args = ap.parse_args()
    password = Path(args.password_file).read_text().strip()
    pages = [p for p in PAGES if not args.paths or p.path in args.paths]
    print("| page | JS on the wire | JS uncompressed | update requests | drawn (first visit) |")
    print("|---|---|---|---|---|")
    for page in pages:
        v = first_visit(args.base, page.path, page.drawn, args.user, password)
        print(f"| {page.name} | {v.js_transfer / 1e6:.2f} MB | {v.js_decoded / 1e6:.2f} MB | {v.updates} "
              f"| {v.drawn_s * 1000:,.0f} ms |")
        if args.files:
            for name, transfer, decoded in sorted(v.js_files, key=lambda f: -f[2]):
                print(f"    {transfer:>10,} {decoded:>10,} {name}")


if __name__ == "__main__":
    main()
