"""Helpers for dash_duo tests behind the login: log in, click what a person would, wait for URLs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.apps import PASSWORD


def viewport(dash_duo, width: int, height: int) -> None:
    """Show pages ``width`` CSS pixels wide. Chromium's window is never narrower than 500 px, so a phone's
    width (and its touch viewport) is emulated through the DevTools protocol; a wider one clears it."""
    driver = dash_duo.driver
    if width < 768:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        driver.set_window_size(width, height)


def log_in(dash_duo, username: str) -> None:
    dash_duo.driver.set_window_size(1400, 1000)
    dash_duo.driver.get(dash_duo.server.url + "/login")
    dash_duo.wait_for_element("input[name=username]").send_keys(username)
    dash_duo.find_element("input[name=password]").send_keys(PASSWORD)
    dash_duo.find_element("button[type=submit]").click()
    dash_duo.wait_for_element("#aw-user")


def log_out(dash_duo) -> None:
    """Press the header's logout button (a form POSTing the CSRF token) and wait for the login page."""
    click(dash_duo, dash_duo.wait_for_element("#aw-logout-button"))
    dash_duo.wait_for_element("input[name=username]")


def serve(dash_duo, app) -> None:
    """Serve ``app`` without opening a page (every page but /login needs a login first).

    ``AIDWATCH_TEST_BROWSER_PORT`` moves the server off 8050, so that two suites can run side by side.
    """
    dash_duo.start_server(app, navigate=False, port=int(os.environ.get("AIDWATCH_TEST_BROWSER_PORT", "8050")))


def open_page(dash_duo, app, username: str, path: str) -> None:
    """Serve ``app``, log ``username`` in through the form and open ``path``."""
    serve(dash_duo, app)
    log_in(dash_duo, username)
    dash_duo.driver.get(dash_duo.server.url + path)


def settled(dash_duo, timeout: float = 10) -> None:
    """Wait until no Dash callback is loading, so no spinner overlays what we click."""
    end = time.time() + timeout
    while time.time() < end:
        if not dash_duo.driver.execute_script('return document.querySelector("[data-dash-is-loading=true]")'):
            return
        time.sleep(0.1)
    raise AssertionError("the page kept loading")


def click(dash_duo, element) -> None:
    """Scroll to the middle of the window first: the sticky header would take a click at the top."""
    settled(dash_duo)
    # instant: Bootstrap's smooth scrolling would still be moving the element when we click
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()


def click_row(dash_duo, grid_id: str, row_id: str, col: str = "name") -> None:
    click(dash_duo, dash_duo.wait_for_element(f'#{grid_id} .ag-row[row-id="{row_id}"] .ag-cell[col-id="{col}"]'))


def wait_url(dash_duo, fragment: str, timeout: float = 10) -> None:
    end = time.time() + timeout
    while time.time() < end:
        if fragment in dash_duo.driver.current_url:
            return
        time.sleep(0.1)
    raise AssertionError(f"{fragment!r} not in {dash_duo.driver.current_url}")


def download(dash_duo, href: str) -> bytes:
    """Fetch ``href`` with the browser's session cookie, as its download link would."""
    session = requests.Session()
    for cookie in dash_duo.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    response = session.get(href, timeout=20)
    response.raise_for_status()
    return response.content


AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: WCAG 2.0/2.1 A and AA rules, as the brief asks (not the best-practice or experimental ones).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(dash_duo, impacts=("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core (tests/vendor/axe-core) over the current page; its violations of ``impacts``.

    Each violation is ``{"id", "impact", "help", "nodes": [(target, summary), ...]}`` so that a failing
    assertion shows where and why.
    """
    driver = dash_duo.driver
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(AXE_JS.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations), e => done({error: String(e)}));", AXE_TAGS)
    if isinstance(result, dict):
        raise AssertionError(f"axe-core failed: {result['error']}")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [(n["target"], n.get("failureSummary", "")[:200]) for n in v["nodes"][:5]]}
            for v in result if v["impact"] in impacts]


def keys(dash_duo, *sequence) -> None:
    """Press keys in whatever element has the focus, as a keyboard would (no element is clicked)."""
    ActionChains(dash_duo.driver).send_keys(*sequence).perform()


def focused(dash_duo, css: str) -> bool:
    return dash_duo.driver.execute_script(
        "const e = document.activeElement; return !!e && e.matches(arguments[0]);", css)


def tab_to(dash_duo, css: str, back: bool = False, limit: int = 60) -> int:
    """Press Tab (Shift+Tab with ``back``) until the focused element matches ``css``; how many presses it took."""
    for presses in range(1, limit + 1):
        chain = ActionChains(dash_duo.driver)
        if back:
            chain.key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT)
        else:
            chain.send_keys(Keys.TAB)
        chain.perform()
        if focused(dash_duo, css):
            return presses
    active = dash_duo.driver.execute_script("const e = document.activeElement; return e && e.outerHTML.slice(0, 200);")
    raise AssertionError(f"{limit} Tab presses never reached {css!r}; the focus is on {active}")


def arrow_to_row(dash_duo, grid_id: str, row_id: str, limit: int = 40) -> None:
    """With the focus in a grid's cell, press the up arrow, then the down arrow, until the focused cell is in
    row ``row_id``."""
    for key in (Keys.ARROW_UP, Keys.ARROW_DOWN):
        for _ in range(limit):
            if focused(dash_duo, f'#{grid_id} .ag-row[row-id="{row_id}"] .ag-cell'):
                return
            keys(dash_duo, key)
    raise AssertionError(f"row {row_id} of {grid_id} never got the focus")
