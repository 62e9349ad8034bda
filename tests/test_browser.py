"""The written report in a real headless Chromium (Debian's chromium + chromedriver).

Most tests open the invented four-outlet report; one runs a 50-outlet invented corpus
through the real pipeline (model-free hashing embedder) twice and reads the page at laptop
and phone widths. Skipped cleanly where /usr/bin/chromium or /usr/bin/chromedriver is
missing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from _report_fixture import (
    XSS_IMG,
    corpus_article,
    corpus_extra_article,
    finding_id,
    make_report,
    write_corpus,
)

from crosscheck import pipeline
from crosscheck.embed import HashingEmbedder
from crosscheck.report import write_report

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


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
    assert {r.get_attribute("data-kind") for r in visible_rows} == {"agree"}
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


def _export(driver: Any, tmp_path: Path) -> dict[str, Any]:
    """Click "Export decisions" and read the downloaded file (a fresh one each time)."""
    out = tmp_path / "downloads" / "crosscheck-reviews.json"
    if out.exists():
        out.unlink()
    driver.find_element(By.ID, "export").click()
    _wait(lambda: out.exists() and out.stat().st_size > 0)
    return dict(json.loads(out.read_text(encoding="utf-8")))


def _status(driver: Any, fid: str) -> str:
    """The status badge of a finding's card."""
    return str(driver.find_element(By.CSS_SELECTOR, f"#f-{fid} [data-role=status]")
               .get_attribute("textContent"))


def test_a_decision_survives_a_rebuild_and_is_exported(
    browser: Any, tmp_path: Path
) -> None:
    """Issue 16.2: decide in the page, rebuild the report (another generation time, an
    article changed), reload: the decision is still shown, and exported."""
    out = tmp_path / "out"
    html_path, _ = write_report(make_report(), out)
    fid = finding_id("money")
    _open(browser, html_path)
    browser.find_element(By.ID, f"n-{fid}").send_keys("figure from the filing")
    browser.find_element(By.CSS_SELECTOR, f"#f-{fid} button[data-action=dismissed]").click()
    assert _status(browser, fid) == "dismissed"

    rebuilt = make_report()
    rebuilt["generated_at"] = "2031-04-04T07:30:00+09:00"
    rebuilt["articles"][1]["title"] = "Hanbit and Lusitania sign a battery deal (updated)"
    write_report(rebuilt, out)
    _open(browser, html_path)
    assert "2031-04-04T07:30:00+09:00" in browser.find_element(By.CSS_SELECTOR, "header.top").text
    assert _status(browser, fid) == "dismissed"
    assert browser.find_element(By.ID, f"n-{fid}").get_attribute("value") == (
        "figure from the filing")
    assert browser.find_element(By.CSS_SELECTOR, f"#f-{fid} [data-role=local]").is_displayed()
    assert _export(browser, tmp_path)["reviews"] == {
        fid: {"status": "dismissed", "note": "figure from the filing"}}
    assert _severe(browser) == []


def test_decisions_under_the_old_key_scheme_are_read(
    browser: Any, report_page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """Decisions an earlier page stored as crosscheck:<generated_at>:<id> are shown and
    exported (the newest of several wins); those for findings not in this report are not."""
    html_path, _ = report_page
    fid = finding_id("doc")
    _open(browser, html_path)
    browser.execute_script(
        "localStorage.setItem(arguments[0], arguments[1]);"
        "localStorage.setItem(arguments[2], arguments[3]);"
        "localStorage.setItem(arguments[4], arguments[5]);",
        f"crosscheck:2031-03-30T08:00:00+09:00:{fid}",
        json.dumps({"status": "dismissed", "note": "older", "at": "2031-03-30T00:00:00Z"}),
        f"crosscheck:2031-04-01T08:00:00+09:00:{fid}",
        json.dumps({"status": "confirmed", "note": "from the page of April 1",
                    "at": "2031-04-01T00:00:00Z"}),
        "crosscheck:2031-04-01T08:00:00+09:00:0123456789ab",
        json.dumps({"status": "confirmed", "note": "another corpus", "at": "2031-04-01T00:00:00Z"}),
    )
    _open(browser, html_path)
    assert _status(browser, fid) == "confirmed"
    assert browser.find_element(By.ID, f"n-{fid}").get_attribute("value") == (
        "from the page of April 1")
    assert _export(browser, tmp_path)["reviews"] == {
        fid: {"status": "confirmed", "note": "from the page of April 1"}}
    assert _severe(browser) == []


def test_a_newer_decision_in_the_report_wins_over_an_older_one_here(
    browser: Any, report_page: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    """A decision taken here before the report's own (made with the CLI, in its history)
    gives way to it and is not exported; one taken after it is shown."""
    html_path, _ = report_page
    fid = finding_id("title")  # confirmed in the report at 2031-04-02T10:00:00+09:00
    _open(browser, html_path)
    browser.execute_script(
        "localStorage.setItem(arguments[0], arguments[1])", f"crosscheck:review:{fid}",
        json.dumps({"status": "dismissed", "note": "", "at": "2031-04-01T23:00:00Z"}))
    _open(browser, html_path)
    assert _status(browser, fid) == "confirmed"
    assert _export(browser, tmp_path)["reviews"] == {}
    browser.execute_script(
        "localStorage.setItem(arguments[0], arguments[1])", f"crosscheck:review:{fid}",
        json.dumps({"status": "dismissed", "note": "", "at": "2031-04-02T02:00:00Z"}))
    _open(browser, html_path)
    assert _status(browser, fid) == "dismissed"
    assert _export(browser, tmp_path)["reviews"] == {fid: {"status": "dismissed", "note": ""}}


def test_outlet_filter_matches_whole_article_ids(browser: Any, tmp_path: Path) -> None:
    """Issue 16.15: with article ids "hanbit ilbo", "hanbit" and "ilbo", choosing "ilbo"
    shows exactly the findings of that article, not those of "hanbit ilbo"."""
    report = make_report()
    text = json.dumps(report)
    names = {"a1": "hanbit ilbo", "a2": "hanbit", "a3": "ilbo"}
    for art, key in zip(report["articles"], ("a1", "a2", "a3", "a4"), strict=True):
        if key in names:
            text = text.replace(art["id"], names[key])
    report = json.loads(text)
    html_path, _ = write_report(report, tmp_path / "out")
    _open(browser, html_path)
    for choice in ("ilbo", "hanbit", "hanbit ilbo"):
        Select(browser.find_element(By.ID, "f-outlet")).select_by_value(choice)
        shown = {c.get_attribute("data-finding-id")
                 for c in browser.find_elements(By.CSS_SELECTOR, ".card.finding:not([hidden])")}
        assert shown == {f["id"] for f in report["findings"]
                         if choice in {v["article_id"] for v in f["values"]}}, choice
    assert _severe(browser) == []


def _overflow(driver: Any) -> int:
    """How far the page is wider than the window (> 0: it scrolls sideways)."""
    return int(driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - window.innerWidth"))


def _resize(driver: Any, width: int, height: int) -> None:
    driver.set_window_size(width, height)
    _wait(lambda: abs(driver.execute_script("return window.innerWidth") - width) <= 16)


def _shown_ids(driver: Any) -> set[str]:
    return {c.get_attribute("data-finding-id")
            for c in driver.find_elements(By.CSS_SELECTOR, ".card.finding:not([hidden])")}


def _outlets_of(f: dict[str, Any]) -> set[str]:
    """The outlets a finding names (its values')."""
    return {v["article_id"] for v in f["values"]}


def test_fifty_outlets_read_at_laptop_and_phone_width(browser: Any, tmp_path: Path) -> None:
    """Fifty invented outlets through the real pipeline: at laptop widths (1280, 1366) and
    on a phone (390) the page never scrolls sideways and the matrix fits; there are no
    console errors; the kind, outlet and search filters work; after a second run (one
    article changed, one added) "Since the last run" lists the new findings and its filter
    shows exactly them. Screenshots go to the test's temporary folder."""
    articles, out, store = tmp_path / "articles", tmp_path / "out", tmp_path / "claims"
    write_corpus(articles, 50)
    emb = HashingEmbedder()
    first = pipeline.run_report([articles], out_dir=out, store_dir=store, embedder=emb).report
    divergences = [f for f in first["findings"] if f["kind"] == "diverge"]
    assert len(first["articles"]) == 50 and len(divergences) >= 4
    assert max(len(_outlets_of(f)) for f in divergences) >= 30

    html_path = out / "index.html"
    _resize(browser, 1366, 900)
    _open(browser, html_path)
    assert _severe(browser) == []
    for width in (1366, 1280):
        _resize(browser, width, 900)
        assert _overflow(browser) <= 0, width
        fits = browser.execute_script(
            "return Array.from(document.querySelectorAll('table.matrix')).map(t => "
            "[t.scrollWidth <= t.clientWidth + 1, t.getBoundingClientRect().right <= innerWidth])")
        assert fits and all(all(x) for x in fits), (width, fits)
    browser.save_screenshot(str(tmp_path / "laptop.png"))
    matrix = browser.find_element(By.CSS_SELECTOR, ".matrix-block")
    browser.execute_script("arguments[0].scrollIntoView()", matrix)
    browser.save_screenshot(str(tmp_path / "laptop-matrix.png"))
    # every outlet a divergence names has a chip in its matrix row
    row = browser.find_element(By.CSS_SELECTOR, f".mrow[data-finding-id='{divergences[0]['id']}']")
    assert len(row.find_elements(By.CSS_SELECTOR, ".chip")) == len(_outlets_of(divergences[0]))

    total = len(first["findings"])
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=diverge]").click()
    assert not any(browser.find_element(By.ID, f"f-{f['id']}").is_displayed()
                   for f in divergences)
    assert _counter(browser) == f"{total - len(divergences)} of {total} findings shown"
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=diverge]").click()
    ko = next(a for a in first["articles"] if a["language"] == "ko")
    Select(browser.find_element(By.ID, "f-outlet")).select_by_value(ko["id"])
    assert _shown_ids(browser) == {f["id"] for f in first["findings"] if ko["id"] in _outlets_of(f)}
    Select(browser.find_element(By.ID, "f-outlet")).select_by_value("")
    browser.find_element(By.ID, "f-search").send_keys("tickets will cost")
    shown = _shown_ids(browser)
    assert len(shown) == 1
    card = browser.find_element(By.ID, f"f-{shown.pop()}")
    assert card.get_attribute("data-kind") == "add_detail" and card.is_displayed()  # unfolded
    browser.find_element(By.ID, "f-search").clear()
    browser.find_element(By.ID, "f-search").send_keys(" ")
    assert _counter(browser) == f"{total} of {total} findings shown"
    assert not card.is_displayed()  # its outlet's group folded back
    assert browser.find_elements(By.ID, "since") == []  # a first run: nothing to compare with

    # second run: one article changed, one added
    name, text = corpus_article(1, 50, variant=2)
    (articles / name).write_text(text, encoding="utf-8")
    extra_name, extra_text = corpus_extra_article()
    (articles / extra_name).write_text(extra_text, encoding="utf-8")
    second = pipeline.run_report([articles], out_dir=out, store_dir=store, embedder=emb).report
    since = {f["id"] for f in second["findings"] if f.get("new") or f.get("change")}
    assert since and len(since) < len(second["findings"])
    _open(browser, html_path)
    assert _severe(browser) == []
    items = browser.find_elements(By.CSS_SELECTOR, "#since li.since-item")
    assert {i.get_attribute("data-finding-id") for i in items} == since
    top = browser.find_element(By.ID, "since").rect["y"]
    assert top < browser.find_element(By.CSS_SELECTOR, "section.event").rect["y"]
    assert top < browser.find_element(By.ID, "filters").rect["y"]
    browser.save_screenshot(str(tmp_path / "laptop-since.png"))
    browser.find_element(By.ID, "f-since").click()
    assert _shown_ids(browser) == since
    assert _counter(browser) == f"{len(since)} of {len(second['findings'])} findings shown"
    assert _overflow(browser) <= 0
    browser.find_element(By.ID, "f-since").click()
    link = items[0].find_element(By.TAG_NAME, "a")
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    _wait(lambda: browser.find_element(By.ID, target).is_displayed())

    _resize(browser, 390, 844)
    _open(browser, html_path)
    assert _overflow(browser) <= 0
    head, who = browser.execute_script(
        "var r = document.querySelector('.mrow'); return [r.querySelector('.fact')"
        ".getBoundingClientRect().bottom, r.querySelector('.who').getBoundingClientRect().top]")
    assert who >= head - 1  # on a phone the outlets go under the fact, not beside it
    browser.save_screenshot(str(tmp_path / "phone.png"))
    browser.execute_script("document.querySelector('.matrix-block').scrollIntoView()")
    browser.save_screenshot(str(tmp_path / "phone-matrix.png"))
    for png in ("laptop.png", "laptop-matrix.png", "laptop-since.png", "phone.png",
                "phone-matrix.png"):
        assert (tmp_path / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _severe(browser) == []
