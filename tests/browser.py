"""Helpers for dash_duo tests behind the login: log in, click what a person would, wait for URLs."""

from __future__ import annotations

import os
import time

import requests

from tests.apps import PASSWORD


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


def open_page(dash_duo, app, username: str, path: str) -> None:
    """Serve ``app``, log ``username`` in through the form and open ``path``.

    ``AIDWATCH_TEST_BROWSER_PORT`` moves the server off 8050, so that two suites can run side by side.
    """
    dash_duo.start_server(app, navigate=False, port=int(os.environ.get("AIDWATCH_TEST_BROWSER_PORT", "8050")))
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
