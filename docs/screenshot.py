"""Make the README's pictures of the report: an invented 50-outlet corpus, run twice.

Usage (headless Chromium and chromedriver from Debian's packages)::

    .venv/bin/python docs/screenshot.py        # writes docs/report-*.png

The corpus is the one the browser test reads (``tests/_report_fixture.write_corpus``),
run through the real pipeline with the model-free hashing embedder; the second run adds an
outlet and changes one, so the page shows "Since the last run".
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from _report_fixture import corpus_article, corpus_extra_article, write_corpus  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from crosscheck import pipeline  # noqa: E402
from crosscheck.embed import HashingEmbedder  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        articles, out, store = base / "articles", base / "out", base / "claims"
        write_corpus(articles, 50)
        emb = HashingEmbedder()
        pipeline.run_report([articles], out_dir=out, store_dir=store, embedder=emb)
        name, text = corpus_article(1, 50, variant=2)
        (articles / name).write_text(text, encoding="utf-8")
        extra, extra_text = corpus_extra_article()
        (articles / extra).write_text(extra_text, encoding="utf-8")
        pipeline.run_report([articles], out_dir=out, store_dir=store, embedder=emb)

        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--hide-scrollbars", f"--user-data-dir={base / 'p'}"):
            opts.add_argument(arg)
        driver = webdriver.Chrome(options=opts, service=webdriver.ChromeService(
            executable_path="/usr/bin/chromedriver"))
        try:
            driver.set_window_size(1366, 1500)
            driver.get((out / "index.html").as_uri())
            time.sleep(0.5)
            driver.save_screenshot(str(DOCS / "report-laptop.png"))
            driver.set_window_size(1366, 2400)
            matrix = driver.find_element(By.CSS_SELECTOR, ".matrix-block")
            driver.execute_script(  # below the sticky filter bar
                "arguments[0].scrollIntoView();"
                "window.scrollBy(0, -document.getElementById('filters').offsetHeight - 8)", matrix)
            time.sleep(0.3)
            matrix.screenshot(str(DOCS / "report-matrix.png"))
            driver.set_window_size(390, 1300)
            driver.get((out / "index.html").as_uri())
            time.sleep(0.5)
            driver.save_screenshot(str(DOCS / "report-phone.png"))
        finally:
            driver.quit()
    for png in sorted(DOCS.glob("report-*.png")):
        print(png.relative_to(ROOT), png.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
