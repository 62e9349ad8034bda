"""The written report in a real headless Chromium (Debian's chromium + chromedriver).

Skipped cleanly where /usr/bin/chromium or /usr/bin/chromedriver is missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _report_fixture import XSS_IMG, make_report

from crosscheck.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    for p in (CHROMIUM, CHROMEDRIVER):
        if not p.exists():
            return f"{p} is missing (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A fresh headless Chromium with its own profile and a downloads folder under tmp_path."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,900",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    driver = webdriver.Chrome(options=opts, service=service)
    driver.set_page_load_timeout(30)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def report_page(tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """The fixture report written to tmp_path/out; returns (index.html path, report dict)."""
    report = make_report()
    html_path, _ = write_report(report, tmp_path / "out")
    return html_path, report


def _open(driver: Any, html_path: Path) -> None:
    """Load the report from file:// and wait until its script has run."""
    driver.get(html_path.as_uri())
    _wait(lambda: driver.execute_script("return document.readyState") == "complete")


def _wait(cond: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``cond`` until it holds; fail the test if it never does."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def _visible_cards(driver: Any) -> int:
    """How many finding cards the filters leave shown."""
    return len(driver.find_elements(By.CSS_SELECTOR, ".card.finding:not([hidden])"))


def _counter(driver: Any) -> str:
    """The 'N of M findings shown' text."""
    return " ".join(driver.find_element(By.ID, "count").text.split())


def _severe(driver: Any) -> list[dict[str, Any]]:
    """SEVERE entries of the browser console log."""
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def test_page_loads_without_console_errors_and_takes_screenshots(
    browser: Any, report_page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """The report opens from file:// with no console errors, and reads at laptop and phone width."""
    html_path, _ = report_page
    _open(browser, html_path)
    assert browser.title == "crosscheck — consistency report"
    assert _severe(browser) == []
    desktop = tmp_path / "report-desktop.png"
    browser.save_screenshot(str(desktop))
    browser.set_window_size(390, 844)
    _wait(lambda: browser.execute_script("return window.innerWidth") <= 400)
    # Narrow screens stack the outlets' value columns instead of squeezing them side by side.
    lefts = browser.execute_script(
        "return Array.from(document.querySelectorAll('.card.kind-diverge .value'))"
        ".slice(0, 2).map(e => e.getBoundingClientRect().left)"
    )
    assert len(lefts) == 2 and abs(lefts[0] - lefts[1]) < 1
    phone = tmp_path / "report-phone.png"
    browser.save_screenshot(str(phone))
    for png in (desktop, phone):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 20_000
    assert _severe(browser) == []


def test_injected_markup_shows_as_text_and_never_runs(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    """Article text, outlet names and notes with <script>/<img onerror> are inert plain text."""
    html_path, report = report_page
    _open(browser, html_path)
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.find_elements(By.TAG_NAME, "img") == []
    assert len(browser.find_elements(By.TAG_NAME, "script")) == 2  # the data block and ours
    hostile = next(a for a in report["articles"] if XSS_IMG in a["text"])
    text = browser.find_element(By.CSS_SELECTOR, f"#art-{hostile['id']} .text").text
    assert XSS_IMG in text
    heading = browser.find_element(By.CSS_SELECTOR, f"#art-{hostile['id']} h3").text
    assert XSS_IMG in heading
    assert _severe(browser) == []


def test_kind_filter_and_search_change_visible_cards_and_counter(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    """Unticking a kind hides its cards and matrix rows; the search box narrows to matches."""
    html_path, report = report_page
    total = len(report["findings"])
    n_div = sum(1 for f in report["findings"] if f["kind"] == "diverge")
    _open(browser, html_path)
    assert _visible_cards(browser) == total
    assert _counter(browser) == f"{total} of {total} findings shown"

    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=diverge]").click()
    assert _visible_cards(browser) == total - n_div
    assert _counter(browser) == f"{total - n_div} of {total} findings shown"
    visible_rows = browser.find_elements(By.CSS_SELECTOR, ".mrow:not([hidden])")
    assert {r.get_attribute("data-kind") for r in visible_rows} == {"add_detail", "agree"}
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=diverge]").click()
    assert _visible_cards(browser) == total

    search = browser.find_element(By.ID, "f-search")
    search.send_keys("부사장")  # only the title divergence quotes it
    shown = browser.find_elements(By.CSS_SELECTOR, ".card.finding:not([hidden])")
    assert [c.get_attribute("data-facet") for c in shown] == ["title"]
    assert _counter(browser) == f"1 of {total} findings shown"
    search.clear()
    search.send_keys("SETÚBAL")  # case-insensitive, accents kept
    assert _visible_cards(browser) == 1
    assert _severe(browser) == []


def test_show_removed_text_toggle(browser: Any, report_page: tuple[Path, dict[str, Any]]) -> None:
    """Removed web chrome is hidden until 'show removed text' is ticked, then shown struck."""
    html_path, _ = report_page
    _open(browser, html_path)
    removed = browser.find_elements(By.CSS_SELECTOR, ".text .removed")
    assert removed and not any(r.is_displayed() for r in removed)
    browser.find_element(By.ID, "show-removed").click()
    assert all(r.is_displayed() for r in removed)
    assert removed[0].value_of_css_property("text-decoration-line") == "line-through"


def test_claim_highlights_match_python_offsets_after_astral_characters(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    """Each claim element's text is exactly the claim, even after an emoji (a UTF-16 pair)."""
    html_path, report = report_page
    _open(browser, html_path)
    texts = browser.execute_script(
        "return arguments[0].map(id => (document.getElementById(id) || {}).textContent)",
        [f"a-{c['article_id']}-{c['start']}" for c in report["claims"]],
    )
    assert texts == [c["text"] for c in report["claims"]]


def test_confirm_updates_badge_persists_and_exports(
    browser: Any, report_page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Confirm + note update the card, survive a reload, and export as crosscheck.reviews/1."""
    html_path, report = report_page
    fid = next(
        f["id"]
        for f in report["findings"]
        if f["kind"] == "diverge" and f["review"]["status"] == "open"
    )
    _open(browser, html_path)
    card = browser.find_element(By.ID, f"f-{fid}")
    badge = card.find_element(By.CSS_SELECTOR, "[data-role=status]")
    assert badge.text == "open"
    card.find_element(By.ID, f"n-{fid}").send_keys("checked with the press office")
    card.find_element(By.CSS_SELECTOR, "button[data-action=confirmed]").click()
    assert badge.text == "confirmed"
    assert card.get_attribute("data-status") == "confirmed"

    browser.find_element(By.ID, "f-status").send_keys("confirmed")
    shown = {
        c.get_attribute("data-finding-id")
        for c in browser.find_elements(By.CSS_SELECTOR, ".card.finding:not([hidden])")
    }
    assert fid in shown and all(
        f["review"]["status"] == "confirmed" or f["id"] == fid
        for f in report["findings"]
        if f["id"] in shown
    )

    _open(browser, html_path)  # reload: the decision is kept in localStorage
    card = browser.find_element(By.ID, f"f-{fid}")
    assert card.find_element(By.CSS_SELECTOR, "[data-role=status]").text == "confirmed"
    assert card.find_element(By.ID, f"n-{fid}").get_attribute("value") == (
        "checked with the press office"
    )

    browser.find_element(By.ID, "export").click()
    out = tmp_path / "downloads" / "crosscheck-reviews.json"
    _wait(lambda: out.exists() and out.stat().st_size > 0)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported == {
        "schema": "crosscheck.reviews/1",
        "reviews": {fid: {"status": "confirmed", "note": "checked with the press office"}},
    }
    assert _severe(browser) == []


def test_matrix_row_click_jumps_to_finding_and_opens_agreements(
    browser: Any, report_page: tuple[Path, dict[str, Any]]
) -> None:
    """Clicking an agreement's matrix row opens the collapsed agreements and shows its card."""
    html_path, report = report_page
    fid = next(f["id"] for f in report["findings"] if f["kind"] == "agree")
    _open(browser, html_path)
    details = browser.find_element(By.CSS_SELECTOR, "details.agreements")
    assert details.get_attribute("open") is None
    browser.find_element(By.CSS_SELECTOR, f".mrow[data-finding-id='{fid}'] td").click()
    _wait(lambda: browser.execute_script("return location.hash") == f"#f-{fid}")
    assert details.get_attribute("open") is not None
    assert browser.find_element(By.ID, f"f-{fid}").is_displayed()
