"""The HTML report, parsed and checked element by element (no browser)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from _report_fixture import GENERATED_AT, OUTLET_XSS, XSS_IMG, XSS_SCRIPT, make_report
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck import report as report_mod
from crosscheck.report import Segment, render_html, segment_text, write_report


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    """The invented four-outlet report."""
    return make_report()


@pytest.fixture(scope="module")
def doc(report: dict[str, Any]) -> Any:
    """The rendered page, parsed."""
    return lxml.html.fromstring(render_html(report))


def _cards(doc: Any) -> list[Any]:
    """All finding cards in document order."""
    return list(doc.cssselect("article.card.finding"))


def _findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's findings by id."""
    return {f["id"]: f for f in report["findings"]}


def _text(el: Any) -> str:
    """An element's text content."""
    return str(el.text_content())


class TestFindingCards:
    def test_one_card_per_finding_with_its_id(self, doc: Any, report: dict[str, Any]) -> None:
        """Every finding gets exactly one card, reachable as #f-<finding id>."""
        ids = [c.get("data-finding-id") for c in _cards(doc)]
        assert sorted(ids) == sorted(f["id"] for f in report["findings"])
        for fid in ids:
            assert len(doc.cssselect(f"#f-{fid}")) == 1

    def test_divergences_first_most_serious_first(self, doc: Any, report: dict[str, Any]) -> None:
        """Divergence cards come before all others, by severity then confidence, descending."""
        by_id = _findings(report)
        kinds = [c.get("data-kind") for c in _cards(doc)]
        n_div = kinds.count("diverge")
        assert n_div > 1 and kinds[:n_div] == ["diverge"] * n_div
        keys = [
            (
                by_id[c.get("data-finding-id")]["severity"],
                by_id[c.get("data-finding-id")]["confidence"],
            )
            for c in _cards(doc)[:n_div]
        ]
        assert keys == sorted(keys, reverse=True)

    def test_quotes_shown_with_the_differing_value_marked(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """Each value's quote appears in full, its differing value in <mark>, one column each."""
        texts = {a["id"]: a["text"] for a in report["articles"]}
        for f in report["findings"]:
            card = doc.cssselect(f"#f-{f['id']}")[0]
            quotes = card.cssselect("blockquote.quote")
            assert [_text(q) for q in quotes] == [v["quote"] for v in f["values"]]
            for q, v in zip(quotes, f["values"], strict=True):
                marks = q.cssselect("mark")
                assert [_text(m) for m in marks] == [
                    texts[v["article_id"]][v["value_start"] : v["value_end"]]
                ]
            assert len(card.cssselect(".values > .value")) == len(f["values"])

    def test_value_columns_name_outlet_value_and_modality(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """A value column shows its outlet, the normalized value and a planned/done badge."""
        outlets = {a["id"]: a["outlet"] for a in report["articles"]}
        f = next(f for f in report["findings"] if f["facet"] == "money")
        cols = doc.cssselect(f"#f-{f['id']} .values > .value")
        for col, v in zip(cols, f["values"], strict=True):
            assert _text(col.cssselect(".outlet")[0]) == outlets[v["article_id"]]
            assert _text(col.cssselect(".normalized")[0]) == v["normalized"]
            badges = [_text(b) for b in col.cssselect(".badge.modality")]
            assert badges == ([v["modality"]] if v["modality"] else [])

    def test_review_state_badges_and_notes(self, doc: Any, report: dict[str, Any]) -> None:
        """Each card shows its review status and note, with confirm/dismiss/reopen buttons."""
        for f in report["findings"]:
            card = doc.cssselect(f"#f-{f['id']}")[0]
            assert _text(card.cssselect("[data-role=status]")[0]) == f["review"]["status"]
            assert card.cssselect("textarea.note")[0].text_content() == f["review"]["note"]
            buttons = [_text(b) for b in card.cssselect("button[data-action]")]
            assert buttons == ["Confirm", "Dismiss", "Reopen"]
            note = card.cssselect("textarea.note")[0]
            assert doc.cssselect(f"label[for={note.get('id')}]"), "note field has a label"
        new_ids = {f["id"] for f in report["findings"] if f["new"]}
        assert {c.get("data-finding-id") for c in _cards(doc) if c.cssselect(".badge.new")} == (
            new_ids
        )

    def test_agreements_collapsed_by_default(self, doc: Any, report: dict[str, Any]) -> None:
        """All agreement cards sit inside a <details> that starts closed."""
        details = doc.cssselect("details.agreements")
        assert len(details) == 1 and details[0].get("open") is None
        inside = {c.get("data-finding-id") for c in details[0].cssselect("article.card")}
        assert inside == {f["id"] for f in report["findings"] if f["kind"] == "agree"}

    def test_added_details_grouped_by_outlet(self, doc: Any, report: dict[str, Any]) -> None:
        """Each added detail is listed under the outlet that alone gives it."""
        outlets = {a["id"]: a["outlet"] for a in report["articles"]}
        for f in report["findings"]:
            if f["kind"] != "add_detail":
                continue
            group = doc.cssselect(f"#f-{f['id']}")[0].getparent()
            assert "detail-group" in group.get("class")
            assert outlets[f["values"][0]["article_id"]] in _text(group.cssselect("h3")[0])


class TestMatrixAndTables:
    def test_matrix_row_per_finding_with_symbols(self, doc: Any, report: dict[str, Any]) -> None:
        """One matrix row per finding: ◆ where an outlet diverges, ● where it states it, blank
        where silent; the row links to the finding's card."""
        articles = [a["id"] for a in report["articles"]]
        rows = doc.cssselect("tr.mrow")
        assert len(rows) == len(report["findings"])
        for row in rows:
            f = _findings(report)[row.get("data-finding-id")]
            assert row.cssselect("th a")[0].get("href") == f"#f-{f['id']}"
            stating = {v["article_id"] for v in f["values"]}
            symbols = [_text(s) for s in row.cssselect("td .sym")]
            expected = "◆" if f["kind"] == "diverge" else "●"
            assert symbols == [expected] * len(stating)
            cells = row.cssselect("td")
            assert len(cells) == len(articles)
            for aid, td in zip(articles, cells, strict=True):
                assert bool(td.cssselect(".sym")) == (aid in stating)
        order = [r.get("data-kind") for r in rows]
        assert order == sorted(order, key=["diverge", "add_detail", "agree"].index)

    def test_entity_table_shows_each_outlets_name_and_titles(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """The entity table gives, per outlet, the surface form and titles it uses."""
        table = doc.cssselect("table.entities")[0]
        rows = {_text(r.cssselect("th")[0]): r for r in table.cssselect("tbody tr")}
        park = next(v for k, v in rows.items() if "Park Seo-yeon" in k)
        cells = [_text(td) for td in park.cssselect("td")]
        assert cells[:3] == ["박서연 (대표)", "Park Seo-yeon (CEO)", "박서연 (부사장)"]

    def test_header_corpus_and_errors(self, doc: Any, report: dict[str, Any]) -> None:
        """The header names the report and its model; outlets and unreadable files are listed."""
        assert _text(doc.cssselect("h1")[0]) == "crosscheck — consistency report"
        header = _text(doc.cssselect("header.top")[0])
        assert GENERATED_AT in header and report["model"] in header
        corpus = _text(doc.cssselect("table.corpus")[0])
        for a in report["articles"]:
            assert a["outlet"] in corpus
        assert len(doc.cssselect("table.corpus .badge.primary")) == 1
        errors = [_text(li) for li in doc.cssselect("#errors li")]
        assert len(errors) == len(report["errors"])
        for e, li in zip(report["errors"], errors, strict=True):
            assert e["path"] in li and e["reason"] in li

    def test_filters_offer_every_facet_outlet_and_status(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """The filter controls list every facet, outlet and status, each with a label."""
        facets = [o.get("value") for o in doc.cssselect("#f-facet option")][1:]
        assert facets == sorted({f["facet"] for f in report["findings"]})
        outlets = [o.get("value") for o in doc.cssselect("#f-outlet option")][1:]
        assert outlets == [a["id"] for a in report["articles"]]
        assert [o.get("value") for o in doc.cssselect("#f-status option")][1:] == [
            "open",
            "confirmed",
            "dismissed",
        ]
        n = len(report["findings"])
        assert " ".join(_text(doc.cssselect("#count")[0]).split()) == f"{n} of {n} findings shown"
        for sel in ("#f-facet", "#f-outlet", "#f-status", "#f-search"):
            assert doc.cssselect(sel)[0].getparent().tag == "label"


class TestArticleText:
    def test_every_claim_is_one_element_with_exact_text(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """Each claim is an element #a-<article>-<start> whose text is exactly the claim,
        also after an astral character (🔋), with its facets in the title."""
        for c in report["claims"]:
            els = doc.cssselect(f"#a-{c['article_id']}-{c['start']}")
            assert len(els) == 1
            assert _text(els[0]) == c["text"]
            for facet in c["facets"]:
                assert facet["value"] in els[0].get("title")

    def test_article_text_is_complete_and_in_order(self, doc: Any, report: dict[str, Any]) -> None:
        """The full article text (claims, plain text and removed chrome) appears verbatim."""
        for a in report["articles"]:
            el = doc.cssselect(f"#art-{a['id']} .text")[0]
            for marker in el.cssselect(".removed-marker"):
                marker.drop_tree()
            assert _text(el) == a["text"]

    def test_removed_text_present_but_hidden(self, doc: Any, report: dict[str, Any]) -> None:
        """Removed web chrome stays in the DOM, hidden until the unticked toggle is ticked."""
        texts = {a["id"]: a["text"] for a in report["articles"]}
        for r in report["removed"]:
            spans = doc.cssselect(f"#art-{r['article_id']} .text .removed")
            chrome = texts[r["article_id"]][r["start"] : r["end"]]
            assert chrome in "".join(_text(s) for s in spans)
            assert all(s.get("hidden") is not None for s in spans)
        toggle = doc.cssselect("#show-removed")[0]
        assert toggle.get("checked") is None
        assert doc.cssselect("label #show-removed")
        assert "show-removed" not in (doc.cssselect("body")[0].get("class") or "")

    def test_every_internal_link_has_a_target(self, doc: Any) -> None:
        """Every #link on the page (value → claim, matrix → card, nav) points to an element."""
        ids = {el.get("id") for el in doc.iter() if el.get("id")}
        links = [a.get("href") for a in doc.cssselect("a[href^='#']")]
        assert any(h.startswith("#a-") for h in links)
        missing = [h for h in links if h[1:] not in ids]
        assert missing == []


class TestSafety:
    def test_injected_markup_is_escaped(self, doc: Any, report: dict[str, Any]) -> None:
        """<script> and <img onerror> in text, quote, outlet, subject and note stay text."""
        scripts = doc.cssselect("script")
        assert len(scripts) == 2
        assert all("alert" not in (s.text or "") for s in scripts if s.get("type") is None)
        assert doc.cssselect("img") == []
        assert not any(
            k.startswith("on") for el in doc.iter() if isinstance(el.tag, str) for k in el.attrib
        )
        page = _text(doc)
        for needle in (XSS_SCRIPT, XSS_IMG, OUTLET_XSS):
            assert needle in page
        place = next(f for f in report["findings"] if f["subject"] == XSS_SCRIPT)
        card = doc.cssselect(f"#f-{place['id']}")[0]
        assert _text(card.cssselect(".subject")[0]).endswith(XSS_SCRIPT)
        assert card.cssselect("textarea.note")[0].text_content() == place["review"]["note"]

    def test_data_block_cannot_be_closed_from_inside(self, report: dict[str, Any]) -> None:
        """A note containing </script> stays inside the JSON data block, which still parses."""
        r = make_report()
        hostile = "</script><script>alert(2)</script><!-- & >"
        r["findings"][0]["review"]["note"] = hostile
        html = render_html(r)
        start = html.index('<script type="application/json" id="data">')
        end = html.index("</script>", start)
        block = html[start + len('<script type="application/json" id="data">') : end]
        assert "<" not in block and ">" not in block and "&" not in block
        data = json.loads(block)
        assert data["reviews"][r["findings"][0]["id"]]["note"] == hostile
        assert data["generated_at"] == GENERATED_AT

    def test_no_external_resources_and_csp_pins_inline_code(self, report: dict[str, Any]) -> None:
        """Nothing loads from the network, and the CSP hashes match the inline style and script
        (so the browser runs exactly them and nothing injected)."""
        html = render_html(report)
        doc = lxml.html.fromstring(html)
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("src", "srcset", "poster", "data"):
                assert el.get(attr) is None or el.tag == "object"
        assert [lk.get("href") for lk in doc.cssselect("link")] == ["data:,"]
        assert "@import" not in html and "url(" not in html
        csp = doc.cssselect("meta[http-equiv=Content-Security-Policy]")[0].get("content")
        assert "default-src 'none'" in csp

        def sha(s: str) -> str:
            return base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()

        style = html[html.index("<style>") + 7 : html.index("</style>")]
        script_start = html.rindex("<script>") + len("<script>")
        script = html[script_start : html.index("</script>", script_start)]
        assert f"style-src 'sha256-{sha(style)}'" in csp
        assert f"script-src 'sha256-{sha(script)}'" in csp

    def test_empty_report_renders(self) -> None:
        """A run with no articles or findings still gives a readable page, not a crash."""
        doc = lxml.html.fromstring(
            render_html({"schema": "crosscheck.report/1", "generated_at": "2031-01-01T00:00:00Z"})
        )
        assert _cards(doc) == []
        assert "No divergences found." in _text(doc)


class TestWriteReport:
    def test_writes_both_files_and_json_round_trips(
        self, tmp_path: Path, report: dict[str, Any]
    ) -> None:
        """write_report creates the folder, index.html and a report.json equal to the input."""
        out = tmp_path / "deep" / "reports"
        html_path, json_path = write_report(report, out)
        assert html_path == out / "index.html" and json_path == out / "report.json"
        assert json.loads(json_path.read_text(encoding="utf-8")) == report
        assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert sorted(p.name for p in out.iterdir()) == ["index.html", "report.json"]

    def test_reused_fragments_give_the_page_a_fresh_render_gives(
        self, tmp_path: Path, report: dict[str, Any]
    ) -> None:
        """With a fragment cache, a re-run reuses the sections of unchanged articles and the
        cards of unchanged findings, and the page is byte for byte the one rendered from
        nothing; an article or finding that changed is rendered anew, never taken stale."""
        cache = tmp_path / "fragments.json"
        write_report(report, tmp_path / "a", fragment_cache=cache)
        first = json.loads(cache.read_text(encoding="utf-8"))
        assert len(first) == len(report["articles"]) + len(report["findings"])
        html, _ = write_report(report, tmp_path / "b", fragment_cache=cache)
        assert html.read_text(encoding="utf-8") == render_html(report)

        changed = make_report()
        changed["articles"][0]["title"] = "A corrected headline"
        changed["findings"][0]["summary"] = "A reworded summary"
        cache.write_text(json.dumps(first), encoding="utf-8")
        html, _ = write_report(changed, tmp_path / "c", fragment_cache=cache)
        page = html.read_text(encoding="utf-8")
        assert page == render_html(changed)
        assert "A corrected headline" in page and "A reworded summary" in page
        kept = json.loads(cache.read_text(encoding="utf-8"))
        assert len(set(kept) - set(first)) == 2  # exactly the two changed fragments

    def test_an_unreadable_fragment_cache_costs_only_the_rendering(
        self, tmp_path: Path, report: dict[str, Any]
    ) -> None:
        """A damaged fragment file is ignored (and replaced), never fatal."""
        cache = tmp_path / "fragments.json"
        cache.write_bytes(b"\x00 not json")
        html, _ = write_report(report, tmp_path / "out", fragment_cache=cache)
        assert html.read_text(encoding="utf-8") == render_html(report)
        assert json.loads(cache.read_text(encoding="utf-8"))

    def test_render_failure_leaves_old_report_untouched(
        self, tmp_path: Path, report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If rendering fails, the previous index.html and report.json stay as they were."""
        write_report(report, tmp_path)
        before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

        def boom(_: dict[str, Any]) -> dict[str, Any]:
            raise RuntimeError("template exploded")

        monkeypatch.setattr(report_mod, "build_view", boom)
        with pytest.raises(RuntimeError):
            write_report(report, tmp_path)
        assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before

    def test_failed_replace_leaves_old_file_and_no_temp(
        self, tmp_path: Path, report: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """If the final rename fails, the old index.html is intact and no temp file is left."""
        write_report(report, tmp_path)
        old = (tmp_path / "index.html").read_bytes()
        changed = make_report()
        changed["model"] = "another-model"

        def fail_replace(src: Any, dst: Any) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", fail_replace)
        with pytest.raises(OSError):
            write_report(changed, tmp_path)
        assert (tmp_path / "index.html").read_bytes() == old
        assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "report.json"]


def _flatten(segments: list[Segment]) -> list[Segment]:
    """Leaf segments in order (claims unpacked into their pieces)."""
    out: list[Segment] = []
    for s in segments:
        out.extend(s.children or (s,))
    return out


@st.composite
def _texts_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]]:
    """A text with astral characters and arbitrary (possibly overlapping) claim/removed spans."""
    text = draw(st.text(alphabet="ab 가나\n🔋𝕏", max_size=40))
    pos = st.integers(0, len(text))
    spans = st.lists(st.tuples(pos, pos).map(lambda t: (min(t), max(t))), max_size=6)
    return text, draw(spans), draw(spans)


class TestSegmentText:
    @settings(max_examples=200, deadline=None)
    @given(_texts_and_spans())
    def test_segments_cover_text_and_anchor_every_claim_once(
        self, case: tuple[str, list[tuple[int, int]], list[tuple[int, int]]]
    ) -> None:
        """Whatever the spans (nested, overlapping, empty, at the end), the segments rebuild the
        text exactly and every claim start has exactly one anchor id."""
        text, claim_spans, removed_spans = case
        claims = [{"start": s, "end": e, "facets": []} for s, e in claim_spans]
        removed = [{"start": s, "end": e, "reason": "chrome"} for s, e in removed_spans]
        segs = segment_text(text, "x", claims, removed, marks=claim_spans[:2])
        assert "".join(s.text for s in _flatten(segs)) == text
        ids = [s.id for s in segs if s.id] + [c.id for s in segs for c in s.children if c.id]
        assert len(ids) == len(set(ids))
        assert set(ids) == {f"a-x-{s}" for s, _ in claim_spans}


def test_wide_corpus_lists_names_by_outlet_instead_of_a_grid(report: dict[str, Any]) -> None:
    """With more articles than the grid limit, the page drops the per-article matrix (it
    says so) and lists each name form with the outlets writing it; every finding card and
    every article is still there."""
    wide = json.loads(json.dumps(report))
    base = wide["articles"][0]
    for i in range(report_mod.WIDE_CORPUS):
        wide["articles"].append({**base, "id": f"extra{i}", "outlet": f"Extra Outlet {i}"})
    doc = lxml.html.fromstring(render_html(wide))
    assert not doc.cssselect("table.matrix")
    note = _text(doc.cssselect("#matrix .wide-note")[0])
    assert str(len(wide["articles"])) in note
    assert len(_cards(doc)) == len(report["findings"])
    forms = _text(doc.cssselect("table.entity-forms")[0])
    assert "Park Seo-yeon (CEO)" in forms and "박서연 (부사장)" in forms
    park = next(r for r in doc.cssselect("table.entity-forms tbody tr")
                if "Park Seo-yeon" in _text(r) or "박서연" in _text(r))
    outlets = {a["id"]: a["outlet"] for a in report["articles"]}
    for m in next(e for e in report["entities"] if e["canonical"] in _text(park))["mentions"]:
        assert outlets[m["article_id"]] in _text(park)
