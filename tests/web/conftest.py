"""A real Chromium (Debian's) driven by Playwright against a live caller on loopback."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()



@pytest.fixture
def live(live_sqlite):
    """The pages talk HTTP only: SQLite is enough here (the API's tests cover PostgreSQL)."""
    return live_sqlite
