"""The web terminal in a real browser: Debian's Chromium, driven by Playwright, against `paperbroker serve`
on a free port with the market off, so only the test moves prices (setQuote through the API).

The page is opened as the link `serve` prints, `/#key=<key>` (the local admin's key, PAPERBROKER_LOCAL_KEY),
and must take the key out of the address bar. The steps run in order on one page, as a person would use it:
place, fill, close, an invalid ticket, then screenshots at 1280x800 and 390x844 into build/ui/; then, in a
fresh browser context, the page without a key asks for one. Every wait is bounded; the page logs no console
error but the one Chromium writes for the invalid ticket's refusal, which that step expects and takes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from paperbroker.process import running
from paperbroker.web.page import DIST
from tests.keys import AUTH, LOCAL_KEY, LOCAL_KEY_ENV

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "ui"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (`make web` installs it)
ORDERS = "/api/v1/broker/orders"


class Terminal:
    """The page, the service behind it, and what the page logged."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.api = httpx.Client(base_url=base, timeout=5, headers=AUTH)
        self.errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url', '')})")

    def take_refusal(self, status: int, path: str) -> None:
        """The browser logs the 4xx it was meant to get: take exactly that one line out of the errors."""
        refusals = [e for e in self.errors if f"status of {status}" in e and e.endswith(f"{path})")]
        assert len(refusals) == 1, self.errors
        self.errors.remove(refusals[0])

    def set_quote(self, symbol: str, bid: float, ask: float) -> None:
        self.api.put(f"/api/v1/sim/quotes/{symbol}", json={"bid": bid, "ask": ask}).raise_for_status()

    def place(self, qty: str, limit: str | None = None) -> None:
        ticket = self.page.locator("#ticket")
        ticket.get_by_label("Type").select_option(label="Market" if limit is None else "Limit")
        ticket.get_by_label("Quantity").fill(qty)
        if limit is not None:
            ticket.get_by_label("Limit price").fill(limit)
        ticket.get_by_role("button", name="Place").click()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert (DIST / "index.html").is_file(), "the page is not built: make page"
    assert CHROMIUM.is_file(), f"no Chromium at {CHROMIUM}: apt-get install chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def terminal(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Terminal]:
    home = tmp_path_factory.mktemp("web")
    args = ["--db", str(home / "broker.db"), "--no-market", "--log-level", "warning"]
    with running("serve", args, env=LOCAL_KEY_ENV, log=home / "serve.log") as base:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.set_default_timeout(5_000)
        page = context.new_page()
        terminal = Terminal(page, base)
        page.goto(f"{base}/#key={LOCAL_KEY}")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#connection")).to_have_text("Live")
        yield terminal
        terminal.api.close()
        context.close()


def test_the_key_is_taken_out_of_the_address_bar(terminal: Terminal) -> None:
    assert terminal.page.url == f"{terminal.base}/"
    assert LOCAL_KEY not in terminal.page.evaluate("window.location.href + JSON.stringify(history.state)")
    expect(terminal.page.locator("#key-form")).to_be_hidden()


def test_a_limit_buy_placed_through_the_ticket_is_working(terminal: Terminal) -> None:
    page = terminal.page
    expect(page.get_by_label("Symbol")).to_have_value("AAPL")
    terminal.place(qty="2", limit="100")
    expect(page.locator("#ticket-result")).to_have_text("Order 1 placed")
    row = page.locator("#orders-working").locator('tr[data-order-id="1"]')
    expect(row.locator(".status")).to_have_text("Working")
    expect(page.locator("#chart-legend")).to_contain_text("AAPL · 1m")


def test_a_quote_that_reaches_the_limit_fills_it_within_a_second_and_opens_a_position(
    terminal: Terminal,
) -> None:
    page = terminal.page
    equity = page.locator("#account-equity")
    expect(equity).to_have_text("100,000.00")
    terminal.set_quote("AAPL", 99.98, 100.00)
    expect(page.locator("#orders-history").locator('tr[data-order-id="1"] .status')).to_have_text(
        "Filled", timeout=1_000
    )
    expect(page.locator("#orders-working tbody tr")).to_have_count(0)
    position = page.locator('#positions tr[data-symbol="AAPL"]')
    expect(position).to_contain_text("Long")
    expect(position).to_contain_text("100.00")
    expect(page.locator("#executions tbody tr")).to_have_count(1)
    terminal.set_quote("AAPL", 104.99, 105.01)
    expect(equity).not_to_have_text("100,000.00")
    expect(page.locator("#chart-legend")).to_contain_text("C 105.00")
    assert int(page.locator("#chart").get_attribute("data-bars") or 0) >= 1


def test_closing_the_position_with_its_button_removes_it(terminal: Terminal) -> None:
    page = terminal.page
    page.get_by_role("button", name="Close AAPL position").click()
    expect(page.locator('#positions tr[data-symbol="AAPL"]')).to_have_count(0)
    expect(page.locator("#executions tbody tr")).to_have_count(2)
    expect(page.locator("#positions-error")).to_be_empty()


def test_an_invalid_ticket_shows_the_services_error_beside_it(terminal: Terminal) -> None:
    refused = terminal.api.post(
        ORDERS, json={"symbol": "AAPL", "type": 1, "side": 1, "qty": 0, "limitPrice": 100}
    )
    assert refused.status_code in {400, 422}
    terminal.place(qty="0", limit="100")
    expect(terminal.page.locator("#ticket-error")).to_have_text(refused.json()["detail"])
    expect(terminal.page.locator("#ticket-result")).to_be_empty()
    terminal.take_refusal(refused.status_code, ORDERS)


def test_orders_and_positions_are_edited_in_a_dialog_and_by_their_buttons(terminal: Terminal) -> None:
    page = terminal.page
    dialog = page.get_by_role("dialog")
    terminal.place(qty="2", limit="95")
    expect(page.locator("#ticket-result")).to_have_text("Order 3 placed")
    page.get_by_role("button", name="Modify order 3: Buy 2 AAPL").click()
    dialog.get_by_label("Limit price").fill("96")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator('#orders-working tr[data-order-id="3"]')).to_contain_text("96.00")
    page.get_by_role("button", name="Cancel order 3: Buy 2 AAPL").click()
    expect(page.locator('#orders-history tr[data-order-id="3"] .status')).to_have_text("Canceled")

    terminal.place(qty="1")
    position = page.locator('#positions tr[data-symbol="AAPL"]')
    expect(position).to_contain_text("Long")
    page.get_by_role("button", name="Brackets AAPL position").click()
    dialog.get_by_label("Take profit").fill("120")
    dialog.get_by_label("Stop loss").fill("90")
    dialog.get_by_role("button", name="Save").click()
    expect(position).to_contain_text("120.00")
    expect(position).to_contain_text("90.00")
    page.get_by_role("button", name="Reverse AAPL position").click()
    expect(position).to_contain_text("Short")
    expect(position).not_to_contain_text("120.00")  # the long position's brackets went with it
    page.get_by_role("button", name="Close AAPL position").click()
    expect(position).to_have_count(0)


def test_a_reloaded_page_draws_the_bars_the_service_kept(terminal: Terminal) -> None:
    page = terminal.page
    page.reload()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    legend = page.locator("#chart-legend")
    expect(legend).to_contain_text(re.compile(r"AAPL · 1m · O \S+ H 105\.00 L \S+ C 105\.00"))
    assert int(page.locator("#chart").get_attribute("data-bars") or 0) >= 1
    page.get_by_label("Resolution").select_option(label="1 hour")
    expect(legend).to_contain_text(re.compile(r"AAPL · 60m · O \S+ H 105\.00 L \S+ C 105\.00"))


def test_screenshots_at_1280x800_and_390x844(terminal: Terminal) -> None:
    page = terminal.page
    page.get_by_label("Resolution").select_option(label="1 min")
    terminal.api.post(ORDERS, json={"symbol": "AAPL", "type": 2, "side": 1, "qty": 3}).raise_for_status()
    terminal.place(qty="1", limit="101.5")
    expect(page.locator("#orders-working tbody tr")).to_have_count(1)
    expect(page.locator('#positions tr[data-symbol="AAPL"]')).to_have_count(1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "terminal-1280x800.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing spills sideways
    page.screenshot(path=SCREENSHOTS / "terminal-390x844.png")
    page.screenshot(path=SCREENSHOTS / "terminal-390x844-full.png", full_page=True)


def test_without_a_key_the_page_asks_for_one_and_a_refused_key_says_why(
    browser: Browser, terminal: Terminal
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})  # its own sessionStorage
    context.set_default_timeout(5_000)
    try:
        page = context.new_page()
        page.goto(f"{terminal.base}/")
        form = page.locator("#key-form")
        expect(form).to_be_visible()
        expect(page.locator("#ticket")).to_be_hidden()
        form.get_by_label("Key").fill("pbk_0123456789abcdef_not-the-key-of-anyone-at-all-0000")
        form.get_by_role("button", name="Open the terminal").click()
        expect(page.locator("#key-error")).to_have_text(re.compile("not valid"))
        expect(form).to_be_visible()
        form.get_by_label("Key").fill(LOCAL_KEY)
        form.get_by_role("button", name="Open the terminal").click()
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#connection")).to_have_text("Live")
        expect(form).to_be_hidden()
        expect(page.locator("#ticket")).to_be_visible()
    finally:
        context.close()


def test_the_page_logged_no_console_errors(terminal: Terminal) -> None:
    assert terminal.errors == []
