"""Screenshot a briefing page for the README: `make report-screenshot` runs this.

    .venv/bin/python docs/make_screenshot.py build/report-screenshot.html docs/report.png

Debian's chromium through Playwright (as the tests use it), offline: any request that is not
file:, data: or blob: is refused and fails the screenshot.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
LOCAL = ("file:", "data:", "blob:")


def main() -> None:
    """Open the page at the given width and save the top of it as PNG."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", type=Path, help="the briefing HTML")
    parser.add_argument("png", type=Path, help="the screenshot to write")
    parser.add_argument("--width", type=int, default=1280, help="viewport width (default 1280)")
    parser.add_argument("--height", type=int, default=1500, help="height shot (default 1500)")
    args = parser.parse_args()
    refused: list[str] = []

    def offline(route: Route) -> None:
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": args.width, "height": args.height})
            page.route("**/*", offline)
            page.goto(args.page.resolve().as_uri(), wait_until="load")
            args.png.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(args.png))
        finally:
            browser.close()
    if refused:
        raise SystemExit(f"the page asked for the network: {refused}")
    print(f"{args.png} ({args.png.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
