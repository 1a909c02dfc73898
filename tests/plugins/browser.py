"""Fixtures for browser tests: Debian's chromium driven by Playwright against the live server.

    @pytest.mark.browser
    def test_citizen_places_an_order(world, live_url, browser_page):
        page = browser_page("phone")                      # or "desktop", or browser_page() for phone
        page.goto(f"{live_url}/accounts/login/")
        ...
        browser_page.screenshot(page, "citizen-order")    # artifacts/screenshots/citizen-order.png

`live_url` is pytest-django's live_server URL (``http://localhost:PORT``, no trailing slash).
Using it makes the test transactional (the server thread must see committed rows), so data
is written for real and the tables are flushed afterwards.

The browser is Debian's /usr/bin/chromium (never a Playwright download), started once per
session, headless, with a fresh context per page. When a test fails, every page it opened is
saved to artifacts/screenshots/FAILED-<test>-<n>.png. A page that breaks the
Content-Security-Policy (an inline script or handler the browser refused) fails its test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.plugins.ci_rules import CHROMIUM, PHASE_REPORTS, browser_missing
from wenming.core.testing import PASSWORD

CHROMIUM_ARGS = [
    "--no-sandbox",  # root in CI
    "--disable-gpu",
    # the machine has no network beyond loopback: don't let chromium try to phone home
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

VIEWPORTS = {
    # an iPhone 12–15-sized phone: citizens and team leaders use the platform on these
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1440, "height": 900}, "is_mobile": False, "device_scale_factor": 1},
}
DEFAULT_TIMEOUT_MS = 10_000


def screenshot_dir(config: pytest.Config) -> Path:
    path = config.rootpath / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest) -> Iterator[object]:
    """One headless chromium for the session (a playwright.sync_api.Browser)."""
    why = browser_missing()
    if why:
        pytest.skip(f"browser test: {why}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop in this thread, and Django then refuses ORM
    # calls "from an async context". The tests are plain synchronous code, so allow them for the
    # rest of the session (the browser lives that long).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class PageFactory:
    """``browser_page(preset="phone", **context_options)`` opens a page in a fresh context."""

    def __init__(self, browser, directory: Path, test_name: str):
        self._browser = browser
        self._directory = directory
        self._test_name = test_name
        self.contexts = []
        self.pages = []
        self.csp_violations: list[str] = []

    def __call__(self, preset: str = "phone", **context_options):
        if preset not in VIEWPORTS:
            raise ValueError(f"unknown viewport preset {preset!r}; use one of {sorted(VIEWPORTS)}")
        options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", **VIEWPORTS[preset], **context_options}
        context = self._browser.new_context(**options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", self._watch_console)
        self.pages.append(page)
        return page

    def _watch_console(self, message) -> None:
        # chromium reports a refused script, style or handler on the console
        if "Content Security Policy" in message.text:
            self.csp_violations.append(message.text)

    def screenshot(self, page, name: str, *, full_page: bool = True) -> Path:
        """Save the page as artifacts/screenshots/<name>.png and return the path."""
        path = self._directory / f"{_safe(name)}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self, *, failed: bool) -> None:
        if failed:
            for n, page in enumerate(self.pages, 1):
                try:
                    if not page.is_closed():
                        self.screenshot(page, f"FAILED-{self._test_name}-{n}")
                except Exception:  # a crashed page must not hide the test's own failure
                    pass
        for context in self.contexts:
            try:
                context.close()
            except Exception:
                pass


def _safe(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)[:150]


@pytest.fixture
def browser_page(browser, request: pytest.FixtureRequest) -> Iterator[PageFactory]:
    factory = PageFactory(browser, screenshot_dir(request.config), request.node.name)
    yield factory
    reports = request.node.stash.get(PHASE_REPORTS, {})
    failed = any(r.failed for r in reports.values())
    factory.close(failed=failed)
    if factory.csp_violations and not failed:
        pytest.fail("the page broke its Content-Security-Policy:\n" + "\n".join(factory.csp_violations[:5]),
                    pytrace=False)


def sign_in(page, live_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in on the login page, as a person would, and wait for the page that follows."""
    page.goto(f"{live_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("button:has-text('登录')")


@pytest.fixture
def live_url(live_server) -> str:
    """Base URL of the running test server, without a trailing slash."""
    return live_server.url.rstrip("/")
