"""县级总览 (/county) in Chromium (issue 15): every hall live with its waiting, oldest wait, open windows and alerts,
summed for the county, and the report per hall and for the county; a hall's own pages under /h/<id>/ talk to that
hall's API."""

from playwright.sync_api import expect

from caller.auth import Role
from tests.caller.test_county import county, township


def test_the_county_page_shows_every_hall_and_the_countys_report(hall, sqlite_url, clock, page, shot):
    with county([hall, township(hall)], sqlite_url, clock) as (base, halls, app):
        for _ in range(4):
            halls["zhen-a"].post("/api/v1/tickets", "kiosk", json={"category": "shebao"})
        halls["sample"].post("/api/v1/tickets", "kiosk", json={"category": "yibao"})
        halls["sample"].post("/api/v1/windows/2/open", "counter", 2)
        clock.advance(minutes=25)  # the township's oldest has waited past the hall's 20 minutes: an alert
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(base + "/county")
        page.fill("#county-token", "not-a-token")
        page.click("#signin-button")
        expect(page.locator("#signin-error")).to_contain_text("令牌无效")
        page.fill("#county-token", app.state.county_tokens.create(Role.COUNTY_ADMIN))
        page.click("#signin-button")
        town = page.locator("tr[data-hall=zhen-a]")
        expect(town).to_contain_text("城关镇便民服务中心")
        expect(town.locator("td").nth(1)).to_have_text("4")
        expect(town.locator("td").nth(2)).to_have_text("25")
        expect(town).to_contain_text("最长已等候 25 分钟")
        expect(page.locator("tr[data-hall=sample] td").nth(3)).to_have_text(f"1 / {len(hall.windows)}")
        expect(page.locator("#halls tr.sum td").nth(1)).to_have_text("5")
        day = clock().astimezone(hall.zone).date().isoformat()
        page.fill("#from", day)
        page.fill("#to", day)
        page.click("#report-button")
        expect(page.locator("#report tr.sum td").nth(1)).to_have_text("5")
        page.screenshot(path=shot("county.png"), full_page=True)
        page.goto(base + "/h/zhen-a/book")  # a hall's own page reaches its own API under /h/<id>
        expect(page.locator("button[data-matter=shebao]")).to_be_visible()
