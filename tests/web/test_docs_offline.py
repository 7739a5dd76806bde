"""/docs and /redoc work on a hall's LAN without the internet (issue 12): Chromium with every request that leaves
loopback refused still shows the API's operations."""

from playwright.sync_api import expect


def offline(page, live):
    blocked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(live.base):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def test_swagger_ui_and_redoc_render_with_no_internet(live, page):
    blocked = offline(page, live)
    page.goto(live.base + "/docs")
    expect(page.locator("#operations-tickets-issue_ticket")).to_be_visible(timeout=15000)
    page.goto(live.base + "/redoc")
    expect(page.locator("body")).to_contain_text("Issue Ticket", timeout=15000)  # Redoc names it so
    expect(page.get_by_text("API docs by Redocly")).to_be_visible()  # the menu's footer, whose logo is on a CDN
    page.wait_for_load_state("networkidle")  # the logo is asked for after the menu renders: let it be asked
    assert blocked == []  # nothing was even asked of a CDN
