"""Log in to a running aidwatch and screenshot pages in headless Chromium, for a person to look at.

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8050 --user ministry \
        --password-file pw.txt --out /tmp/shots "/deadlines" "/deadlines?province=44"

Each path is taken in Chinese and in English (``lang=en``) at every ``--width`` (default 1440 and 390, a
phone), as ``NN-<page>-<lang>-<width>.png``; the window is as tall as ``--height``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By


def browser(width: int, height: int) -> webdriver.Chrome:
    opts = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-sync", f"--window-size={width},{height}"):
        opts.add_argument(arg)
    opts.binary_location = "/usr/bin/chromium"
    drv = webdriver.Chrome(options=opts)
    # A desktop window is never narrower than 500 px: emulate the device's width instead (as phone() does in
    # tests/browser.py), so that 390 px is 390 CSS px.
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 768})
    return drv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="http://127.0.0.1:8050")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--out", default="/tmp/aidwatch-shots")
    ap.add_argument("--width", type=int, action="append", help="window widths (default: 1440 and 390)")
    ap.add_argument("--height", type=int, default=1800)
    ap.add_argument("--wait", type=float, default=4.0)
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for width in args.width or [1440, 390]:
        shoot(args, out, width)


def shoot(args, out: Path, width: int) -> None:
    drv = browser(width, args.height)
    try:
        drv.get(args.base + "/login")
        drv.find_element(By.NAME, "username").send_keys(args.user)
        drv.find_element(By.NAME, "password").send_keys(Path(args.password_file).read_text().strip())
        drv.find_element(By.CSS_SELECTOR, "button[type=submit], input[type=submit]").click()
        time.sleep(1)
        for i, path in enumerate(args.paths):
            page = path.split("?")[0].strip("/") or "home"
            for lang in ("zh", "en"):
                sep = "&" if "?" in path else "?"
                drv.get(args.base + path + (f"{sep}lang=en" if lang == "en" else ""))
                time.sleep(args.wait)
                name = out / f"{i:02d}-{page}-{lang}-{width}.png"
                drv.save_screenshot(str(name))
                print(name)
    finally:
        drv.quit()


if __name__ == "__main__":
    main()
