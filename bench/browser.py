"""Browser time from navigation to every figure and table drawn, in headless Chromium, warm."""

from __future__ import annotations

import statistics
import threading
import time

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from bench.measure import PASSWORD, USER


def _driver() -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1440,1000",
                "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"):
        opts.add_argument(arg)
    opts.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=opts)


def measure_browser(app, pages, repeat: int) -> dict:
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    driver = _driver()
    out = {}
    try:
        driver.get(base + "/login")
        driver.find_element(By.NAME, "username").send_keys(USER)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        WebDriverWait(driver, 30).until(EC.presence_of_element_located((By.ID, "aw-user")))
        for page in pages:
            times = []
            for i in range(repeat + 1):
                started = time.perf_counter()
                driver.get(base + page.path)
                WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.CSS_SELECTOR, page.drawn)))
                WebDriverWait(driver, 60).until(lambda d: d.execute_script(
                    "return document.querySelectorAll('.js-plotly-plot').length > 0 && "
                    "!document.querySelector('[data-dash-is-loading=true]')"))
                if i:  # the first load warms the cache; the figures are warm loads
                    times.append(time.perf_counter() - started)
            out[page.name] = statistics.median(times)
    finally:
        driver.quit()
        server.shutdown()
    return out
