"""The HTML report, parsed and checked element by element (no browser).

Most tests run on both shapes of the invented report: the fields today's pipeline writes
("plain") and the fields later pipelines add ("extended": events, tiers, ``what``,
independent sources, copies, wire agencies, new/changed marks).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from _report_fixture import (
    EVENT_LABELS,
    GENERATED_AT,
    OUTLET_XSS,
    WIRE_XSS,
    XSS_IMG,
    XSS_SCRIPT,
    article_id,
    finding_id,
    make_report,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from crosscheck import report as report_mod
from crosscheck.report import Segment, outlet_codes, render_html, segment_text, write_report


@pytest.fixture(scope="module", params=["plain", "extended"])
def report(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The invented four-outlet report, in both shapes."""
    return make_report(extended=request.param == "extended")


@pytest.fixture(scope="module")
def doc(report: dict[str, Any]) -> Any:
    """The rendered page, parsed."""
    return lxml.html.fromstring(render_html(report))


@pytest.fixture(scope="module")
def ext() -> dict[str, Any]:
    """The extended report alone."""
    return make_report(extended=True)


@pytest.fixture(scope="module")
def ext_doc(ext: dict[str, Any]) -> Any:
    """The extended report's page, parsed."""
    return lxml.html.fromstring(render_html(ext))


def _parse(report: dict[str, Any]) -> Any:
    return lxml.html.fromstring(render_html(report))


def _cards(doc: Any) -> list[Any]:
    """All finding cards in document order."""
    return list(doc.cssselect("article.card.finding"))


def _card(doc: Any, fid: str) -> Any:
    """The card of finding ``fid`` (exactly one)."""
    found = doc.cssselect(f"#f-{fid}")
    assert len(found) == 1
    return found[0]


def _ids(els: Any) -> list[str]:
    """The finding ids of cards or rows, in order."""
    return [e.get("data-finding-id") for e in els]


def _findings(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The report's findings by id."""
    return {f["id"]: f for f in report["findings"]}


def _text(el: Any) -> str:
    """An element's text content, whitespace collapsed."""
    return " ".join(str(el.text_content()).split())


def _raw(el: Any) -> str:
    """An element's text content, exactly."""
    return str(el.text_content())


def _change(f: dict[str, Any]) -> str:
    """What the page should call a finding since the last run ("" for nothing)."""
    if f.get("change") in ("new", "changed"):
        return str(f["change"])
    return "new" if f.get("new") else ""


class TestFindingCards:
    def test_one_card_per_finding_with_its_id(self, doc: Any, report: dict[str, Any]) -> None:
        """Every finding gets exactly one card, reachable as #f-<finding id>."""
        ids = _ids(_cards(doc))
        assert sorted(ids) == sorted(f["id"] for f in report["findings"])
        for fid in ids:
            _card(doc, fid)

    def test_divergences_first_most_serious_first(self, doc: Any, report: dict[str, Any]) -> None:
        """Divergence cards come before all others, by severity then confidence, descending."""
        by_id = _findings(report)
        kinds = [c.get("data-kind") for c in _cards(doc)]
        n_div = kinds.count("diverge")
        assert n_div > 1 and kinds[:n_div] == ["diverge"] * n_div
        keys = [
            (by_id[fid]["severity"], by_id[fid]["confidence"]) for fid in _ids(_cards(doc)[:n_div])
        ]
        assert keys == sorted(keys, reverse=True)

    def test_quotes_shown_with_the_differing_value_marked(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """Each value's quote appears in full in its card, its differing value in <mark>."""
        texts = {a["id"]: a["text"] for a in report["articles"]}
        for f in report["findings"]:
            card = _card(doc, f["id"])
            quotes = card.cssselect("blockquote.quote")
            assert sorted(q.text_content() for q in quotes) == sorted(
                v["quote"] for v in f["values"])
            for q in quotes:
                v = next(v for v in f["values"] if v["quote"] == q.text_content())
                assert [m.text_content() for m in q.cssselect("mark")] == [
                    texts[v["article_id"]][v["value_start"] : v["value_end"]]
                ]
            assert len(card.cssselect(".value")) == len(f["values"])

    def test_values_grouped_by_value_most_outlets_first(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """A card groups its outlets by value (the value most outlets give first), each group
        headed by the value as written, its normalized form and its outlet count; each
        outlet's box names it and its planned/done badge."""
        outlets = {a["id"]: a["outlet"] for a in report["articles"]}
        f = next(f for f in report["findings"] if f["facet"] == "money")
        groups = doc.cssselect(f"#f-{f['id']} .values > .vgroup")
        assert [_text(g.cssselect(".vhead .shown")[0]) for g in groups] == [
            "12억 달러", "$1.5 billion"]
        assert [_text(g.cssselect(".vhead .normalized")[0]) for g in groups] == [
            "USD 1200000000", "USD 1500000000"]
        assert [_text(g.cssselect(".vcount")[0]) for g in groups] == ["3 outlets", "1 outlet"]
        assert "g0" in groups[0].get("class") and "g1" in groups[1].get("class")
        for group in groups:
            for box in group.cssselect(".value"):
                quote = box.cssselect("blockquote")[0].text_content()
                v = next(v for v in f["values"] if v["quote"] == quote)
                assert _text(box.cssselect(".outlet")[0]) == " ".join(
                    outlets[v["article_id"]].split())
                badges = [_text(b) for b in box.cssselect(".badge.modality")]
                assert badges == ([v["modality"]] if v["modality"] else [])

    def test_review_state_badges_and_notes(self, doc: Any, report: dict[str, Any]) -> None:
        """Each card shows its review status and note, with confirm/dismiss/reopen buttons,
        and a new/changed badge exactly where the finding is new or changed."""
        for f in report["findings"]:
            card = _card(doc, f["id"])
            assert _text(card.cssselect("[data-role=status]")[0]) == f["review"]["status"]
            assert card.cssselect("textarea.note")[0].text_content() == f["review"]["note"]
            buttons = [_text(b) for b in card.cssselect("button[data-action]")]
            assert buttons == ["Confirm", "Dismiss", "Reopen"]
            note = card.cssselect("textarea.note")[0]
            assert doc.cssselect(f"label[for={note.get('id')}]"), "note field has a label"
            assert [_text(b) for b in card.cssselect(".badge.change")] == (
                [_change(f)] if _change(f) else [])
            assert card.get("data-change") == _change(f)
        new_ids = {f["id"] for f in report["findings"] if _change(f) == "new"}
        assert {c.get("data-finding-id") for c in _cards(doc) if c.cssselect(".badge.new")} == (
            new_ids
        )

    def test_agreements_collapsed_by_default(self, doc: Any, report: dict[str, Any]) -> None:
        """All agreement cards sit inside <details> elements that start closed."""
        details = doc.cssselect("details.agreements")
        assert details and all(d.get("open") is None for d in details)
        inside = {c.get("data-finding-id") for d in details for c in d.cssselect("article.card")}
        assert inside == {f["id"] for f in report["findings"] if f["kind"] == "agree"}

    def test_added_details_grouped_by_outlet(self, doc: Any, report: dict[str, Any]) -> None:
        """Each added detail is listed under the outlet that alone gives it, in a group
        (open while an event has few details) that names the outlet."""
        outlets = {a["id"]: a["outlet"] for a in report["articles"]}
        for f in report["findings"]:
            if f["kind"] != "add_detail":
                continue
            group = _card(doc, f["id"]).getparent()
            assert group.tag == "details" and "detail-group" in group.get("class")
            assert group.get("open") is not None
            assert _text(group.cssselect("summary")[0]).startswith(
                "Only in " + " ".join(outlets[f["values"][0]["article_id"]].split()))
            assert json.loads(group.get("data-articles")) == [f["values"][0]["article_id"]]

    def test_headline_is_one_line_of_values_and_outlets(self) -> None:
        """A divergence's headline names at most three values (as written), each with its
        one outlet or its outlet count, then how many values are left; the full summary
        stays in the card below it."""
        r = make_report()
        f = next(f for f in r["findings"] if f["facet"] == "money")
        base = f["values"][0]
        arts = r["articles"]
        f["values"] = [
            {**base, "article_id": arts[i % 4]["id"], "value": f"{n} dollars",
             "normalized": f"USD {n}"}
            for i, n in enumerate([5, 5, 5, 6, 6, 7, 8, 9])
        ]
        card = _card(_parse(r), f["id"])
        headline = _text(card.cssselect("h3.headline")[0])
        assert headline == ("Money: 5 dollars (3 outlets) vs 6 dollars (2 outlets) vs 7 dollars"
                            " (Harbor Times) · 2 more values")
        assert _text(card.cssselect("p.summary")[0]) == " ".join(f["summary"].split())

    def test_agreement_headline_counts_outlets_and_names_the_value(self, doc: Any) -> None:
        """An agreement's headline says how many outlets agree on what (the summary, with
        the names, stays below); an added detail's headline is its summary."""
        lisbon = _card(doc, finding_id("lisbon"))
        assert _text(lisbon.cssselect("h3.headline")[0]) == "2 outlets agree on place: 리스본"
        assert _text(lisbon.cssselect("p.summary")[0]) == "Signed in Lisbon."
        jobs = _card(doc, finding_id("jobs"))
        assert _text(jobs.cssselect("h3.headline")[0]) == (
            f"Only one outlet mentions 800 jobs {XSS_SCRIPT}")
        assert not jobs.cssselect("p.summary")

    def test_a_value_many_outlets_give_folds_their_words(self) -> None:
        """Beyond three outlets per value the card folds the others' words under the value
        (all still in the page, in a closed <details>)."""
        r = make_report()
        base = r["articles"][1]
        f = next(f for f in r["findings"] if f["facet"] == "document_type")
        for i in range(5):
            r["articles"].append({**base, "id": f"x{i}", "outlet": f"Extra Wire {i}"})
            f["values"].append({**f["values"][1], "article_id": f"x{i}"})
        card = _card(_parse(r), f["id"])
        group = card.cssselect(".vgroup")[0]
        assert _text(group.cssselect(".vhead .shown")[0]) == "binding supply agreement"
        assert len(group.cssselect(".vlist")[0].cssselect(".value")) == 3
        fold = group.cssselect("details.more-values")
        assert len(fold) == 1 and fold[0].get("open") is None
        assert len(fold[0].cssselect(".value")) == 3
        assert _text(fold[0].cssselect("summary")[0]).startswith("3 more giving")

class TestTriage:
    def test_one_section_without_events(self) -> None:
        """A report without events (or with one) is one section holding every card."""
        r = make_report()
        sections = _parse(r).cssselect("section.event")
        assert len(sections) == 1
        assert _text(sections[0].cssselect("h2")[0]) == "All findings"
        assert len(sections[0].cssselect("article.card")) == len(r["findings"])
        r["events"] = [{"id": "e1", "label": "The battery deal", "article_ids": [],
                        "dates": ["2031-04-01"], "n_findings": 8}]
        r["findings"][0]["event_id"] = "e1"  # the others: null / unknown -> the same section
        r["findings"][1]["event_id"] = "elsewhere"
        one = _parse(r).cssselect("section.event")
        assert len(one) == 1 and _text(one[0].cssselect("h2")[0]) == "The battery deal"
        assert len(one[0].cssselect("article.card")) == len(r["findings"])

    def test_events_as_sections_and_an_across_events_section(
        self, ext_doc: Any, ext: dict[str, Any]
    ) -> None:
        """Each event is a section with its label (escaped), holding exactly its findings;
        a finding of no known event goes to "Across events"; the header links each one."""
        sections = ext_doc.cssselect("section.event")
        assert [_text(s.cssselect("h2")[0]) for s in sections] == [
            EVENT_LABELS["deal"], EVENT_LABELS["guarantee"], "Across events"]
        wanted: list[set[str]] = [set(), set(), set()]
        index = {"ev-deal": 0, "ev-guarantee": 1}
        for f in ext["findings"]:
            wanted[index.get(f["event_id"] or "", 2)].add(f["id"])
        assert [set(_ids(s.cssselect("article.card"))) for s in sections] == wanted
        toc = [a.get("href") for a in ext_doc.cssselect("nav.toc a")]
        assert all(f"#{s.get('id')}" in toc for s in sections)
        meta = _text(sections[0].cssselect(".event-meta")[0])
        assert meta.startswith("2031-04-01 – 2031-04-02 · 4 outlets · 2 likely · 2 possible")

    def test_likely_divergences_first_possible_ones_folded(
        self, ext_doc: Any, ext: dict[str, Any]
    ) -> None:
        """In an event, the likely divergences (tier absent counts as likely) come first,
        then the possible ones inside a closed <details>."""
        deal = ext_doc.cssselect("section.event")[0]
        likely = deal.cssselect(".block.likely article.card")
        assert _ids(likely) == [finding_id("doc"), finding_id("money")]
        possible = deal.cssselect("details.possible")
        assert len(possible) == 1 and possible[0].get("open") is None
        assert _ids(possible[0].cssselect("article.card")) == [finding_id("title"),
                                                                finding_id("place")]
        blocks = [b for b in deal.iterdescendants() if "block" in (b.get("class") or "").split()]
        order = [b.get("class").split()[1] for b in blocks]
        assert order == ["likely", "possible", "matrix-block", "details", "agreements-block"]
        for fid, tier in ((finding_id("doc"), "likely"), (finding_id("title"), "possible")):
            assert [_text(b) for b in _card(ext_doc, fid).cssselect(".badge.tier")] == [tier]

    def test_card_header_shows_what_the_values_are_of(self, ext_doc: Any) -> None:
        """A finding's ``what`` is shown in its card's header and headline (escaped)."""
        money = _card(ext_doc, finding_id("money"))
        assert _text(money.cssselect(".card-head .what")[0]) == "the investment"
        assert _text(money.cssselect("h3.headline")[0]).startswith(
            "Money (the investment): 12억 달러 (3 outlets) vs $1.5 billion (Harbor Times)")
        place = _card(ext_doc, finding_id("place"))
        assert _text(place.cssselect(".card-head .what")[0]) == f"the plant site {XSS_IMG}"
        assert not _card(ext_doc, finding_id("doc")).cssselect(".what")  # empty what: none

    def test_independent_sources_named(self, ext_doc: Any) -> None:
        """A finding whose outlets copy one another says how many independent sources
        there are and who copied whom; one with every outlet independent says nothing."""
        doc_card = _card(ext_doc, finding_id("doc"))
        assert _text(doc_card.cssselect(".sources")[0]) == (
            "sources 3 outlets, 2 independent sources: 한빛일보 (copied by 새벽뉴스)")
        assert not _card(ext_doc, finding_id("money")).cssselect(".sources")

    def test_copies_and_wire_agencies_marked(self, ext_doc: Any) -> None:
        """The outlet list, the matrix legend and the value boxes mark an article copying
        another and the wire agency an article carries."""
        rows = {r.cssselect("th a")[0].get("href"): r
                for r in ext_doc.cssselect("table.corpus tbody tr")}
        copy_row = rows[f"#art-{article_id('a3')}"]
        assert [_text(b) for b in copy_row.cssselect(".badge.copy")] == ["copy of 한빛일보"]
        assert copy_row.cssselect(".chip.copy")
        assert [_text(b) for b in rows[f"#art-{article_id('a2')}"].cssselect(".badge.wire")] == [
            "Atlantic Press Agency"]
        assert [_text(b) for b in rows[f"#art-{article_id('a4')}"].cssselect(".badge.wire")] == [
            WIRE_XSS]
        legend = ext_doc.cssselect("section.event")[0].cssselect(".outlet-legend li")
        assert any("copy of 한빛일보" in _text(li) and "새벽뉴스" in _text(li) for li in legend)
        box = [b for b in _card(ext_doc, finding_id("doc")).cssselect(".value")
               if "새벽뉴스" in _text(b.cssselect(".outlet")[0])]
        assert [_text(b) for b in box[0].cssselect(".badge.copy")] == ["copy of 한빛일보"]

    def test_since_last_run_lists_new_and_changed_findings(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """At the top, "Since the last run" lists exactly the new and changed findings (each
        marked so, linking to its card, divergences first); the header counts them."""
        expected = {f["id"]: _change(f) for f in report["findings"] if _change(f)}
        items = doc.cssselect("#since li.since-item")
        assert {i.get("data-finding-id"): _text(i.cssselect(".badge.change")[0])
                for i in items} == expected
        for i in items:
            assert i.cssselect("a")[0].get("href") == f"#f-{i.get('data-finding-id')}"
        kinds = [_findings(report)[i.get("data-finding-id")]["kind"] for i in items]
        assert kinds == sorted(kinds, key=["diverge", "add_detail", "agree"].index)
        main = doc.cssselect("main")[0]
        assert main.index(doc.cssselect("#since")[0]) < main.index(doc.cssselect("#filters")[0])
        n_new = sum(1 for c in expected.values() if c == "new")
        header = _text(doc.cssselect(".oneline")[0])
        assert f"{n_new} new" in header
        n_changed = len(expected) - n_new
        assert (f"{n_changed} changed" in header) == bool(n_changed)
        assert doc.cssselect("#f-since")  # the "new & changed only" filter

    def test_no_since_view_on_a_first_run_and_a_quiet_one_after_a_rerun(self) -> None:
        """A first run (nothing new) shows no since-last-run view and no filter for it; a
        re-run that changed nothing says so."""
        r = make_report()
        for f in r["findings"]:
            f["new"] = False
        r["summary"]["new_findings"] = 0
        r["summary"]["reused_articles"] = 0
        first = _parse(r)
        assert not first.cssselect("#since") and not first.cssselect("#f-since")
        r["summary"]["reused_articles"] = 4
        again = _parse(r)
        assert _text(again.cssselect("#since")[0]) == "Nothing new or changed since the last run."
        assert not again.cssselect("#since li")

    def test_a_long_since_list_shows_ten_and_folds_the_rest(self) -> None:
        """Beyond ten new or changed findings, the rest of the list is folded."""
        r = make_report()
        base = next(f for f in r["findings"] if f["kind"] == "add_detail")
        for i in range(12):
            r["findings"].append({**base, "id": f"extra{i:02d}", "new": True})
        doc = _parse(r)
        shown = doc.cssselect("#since > ol > li.since-item")
        folded = doc.cssselect("#since details.since-more li.since-item")
        assert len(shown) == 10
        assert len(shown) + len(folded) == sum(1 for f in r["findings"] if f["new"])
        assert doc.cssselect("#since details.since-more")[0].get("open") is None

    def test_header_counts_from_the_summary_when_present(self, ext_doc: Any) -> None:
        """The header's counts are the summary's (likely, possible, new, changed)."""
        header = _text(ext_doc.cssselect(".oneline")[0])
        assert "2 likely divergences · 2 possible" in header
        assert "2 new · 1 changed" in header
        r = make_report(extended=True)
        r["summary"]["likely_divergences"] = 7
        assert "7 likely divergences" in _text(_parse(r).cssselect(".oneline")[0])


class TestMatrixAndTables:
    def test_matrix_shows_divergences_and_agreements_only(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """Each event's matrix has one row per divergence and agreement of that event (no
        added details): likely, possible, then agreements, each linking to its card."""
        for section in doc.cssselect("section.event"):
            cards = section.cssselect("article.card")
            rows = section.cssselect("tr.mrow")
            by_kind = [c for c in cards if c.get("data-kind") == "diverge"] + [
                c for c in cards if c.get("data-kind") == "agree"]
            assert _ids(rows) == _ids(by_kind)
            for row in rows:
                assert row.cssselect("th a")[0].get("href") == f"#f-{row.get('data-finding-id')}"
        assert len(doc.cssselect("tr.mrow")) == sum(
            1 for f in report["findings"] if f["kind"] in ("diverge", "agree"))

    def test_matrix_row_groups_outlets_by_value(self, doc: Any, report: dict[str, Any]) -> None:
        """A row shows each value once with the chips of exactly the outlets giving it (their
        codes, the legend naming them), coloured by value for a divergence; the legend
        lists exactly the outlets the matrix names."""
        labels = {a["id"]: a["outlet"] for a in report["articles"]}
        assert doc.cssselect("section.event tr.mrow .vg .chip")
        for section in doc.cssselect("section.event"):
            legend = {_text(li.cssselect(".chip")[0]): li.cssselect(".o-name")[0].text_content()
                      for li in section.cssselect(".outlet-legend li")}
            named: set[str] = set()
            for row in section.cssselect("tr.mrow"):
                f = _findings(report)[row.get("data-finding-id")]
                want: dict[str, set[str]] = {}
                for v in f["values"]:
                    want.setdefault(v["normalized"], set()).add(labels[v["article_id"]])
                groups = row.cssselect(".vg")
                assert len(groups) == len(want)
                got = {}
                for g in groups:
                    chips = {legend[_text(c)] for c in g.cssselect(".chip")}
                    title = g.cssselect(".vg-value")[0].get("title")
                    norm = next(n for n in want if title == n or title.endswith(f"(= {n})"))
                    got[norm] = chips
                    assert _text(g.cssselect(".vg-n")[0]) == str(len(chips))
                    if f["kind"] == "diverge":
                        assert "div" in g.get("class").split()
                assert got == want
                named |= {n for c in got.values() for n in c}
                assert bool(json.loads(row.get("data-articles"))) and (
                    set(json.loads(row.get("data-articles")))
                    == {v["article_id"] for v in f["values"]})
            assert set(legend.values()) == named

    def test_many_agreement_rows_fold_below_the_divergences(self, doc: Any) -> None:
        """The divergence rows come first, open; agreement rows follow in a <details>,
        open while there are few (the fixture's two), folded beyond twelve."""
        fold = doc.cssselect(".matrix-block details.matrix-agree")
        assert len(fold) == 1 and fold[0].get("open") is not None
        assert {r.get("data-kind") for r in fold[0].cssselect("tr.mrow")} == {"agree"}
        outside = [r for r in doc.cssselect(".matrix-block tr.mrow") if r not in
                   fold[0].cssselect("tr.mrow")]
        assert outside and {r.get("data-kind") for r in outside} == {"diverge"}
        r = make_report()
        base = next(f for f in r["findings"] if f["kind"] == "agree")
        r["findings"] += [{**base, "id": f"agree{i:02d}"} for i in range(12)]
        many = _parse(r).cssselect(".matrix-block details.matrix-agree")
        assert len(many) == 1 and many[0].get("open") is None
        assert len(many[0].cssselect("tr.mrow")) == 14

    @pytest.mark.parametrize("facet", ["claim", "quote"])
    def test_an_agreement_on_a_wording_is_one_group(self, facet: str) -> None:
        """An agreement on a claim or a quote (its values are the outlets' wordings) shows
        one "states it" group holding every outlet, however many wordings there are."""
        r = make_report()
        f = next(f for f in r["findings"] if f["kind"] == "agree")
        f["facet"] = facet
        for i, v in enumerate(f["values"]):
            v["normalized"] = f"wording {i}"
        row = _parse(r).cssselect(f"tr.mrow[data-finding-id='{f['id']}']")[0]
        groups = row.cssselect(".vg")
        assert len(groups) == 1 and _text(groups[0].cssselect(".vg-value")[0]) == "states it"
        assert len(groups[0].cssselect(".chip")) == len(f["values"])

    def test_outlet_codes_are_short_unique_and_readable(self) -> None:
        """Codes: initials (Northern Times -> NT), an acronym kept (YTN), a Korean name's
        first syllables (한빛일보 -> 한빛); a clash takes a longer form, never a duplicate."""
        names = ["Northern Times", "YTN", "한빛일보", "한빛경제", "Nova Tribune", "The Daily",
                 "Daily8", "Northern Tide", "Northern Trumpet", "", "MBC 뉴스"]
        names += [f"Granite {w}" for w in ("Courier", "Chronicle", "Crier", "Cable", "Cast")]
        codes = outlet_codes([(str(i), n) for i, n in enumerate(names)])
        assert [codes[str(i)] for i in range(5)] == ["NT", "YTN", "한빛", "한빛경", "NTr"]
        assert codes["5"] == "Dai" and codes["6"] == "Dail"
        assert [codes[str(i)] for i in (7, 8, 9, 10)] == ["NTi", "NTru", "?", "MBC"]
        assert len(set(codes.values())) == len(names)
        assert all(0 < len(c) <= 6 for c in codes.values())

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
        corpus = doc.cssselect("table.corpus")[0].text_content()
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
        assert _text(doc.cssselect("#count")[0]) == f"{n} of {n} findings shown"
        for sel in ("#f-facet", "#f-outlet", "#f-status", "#f-search", "#f-since"):
            assert doc.cssselect(sel)[0].getparent().tag == "label"

    def test_filtered_elements_name_their_articles_as_a_json_list(self) -> None:
        """Cards, matrix rows and detail groups carry their article ids as a JSON list, so
        an id with a space (or quotes) stays one id (issue 16.15)."""
        r = make_report()
        odd = {r["articles"][0]["id"]: "hanbit ilbo", r["articles"][1]["id"]: "it's \"x\""}
        text = json.dumps(r)
        for old, new in odd.items():
            text = text.replace(old, new.replace('"', '\\"'))
        r = json.loads(text)
        doc = _parse(r)
        for el in doc.cssselect("[data-articles]"):
            ids = json.loads(el.get("data-articles"))
            assert isinstance(ids, list) and all(isinstance(i, str) for i in ids)
        card = _card(doc, next(f["id"] for f in r["findings"] if f["facet"] == "document_type"))
        assert json.loads(card.get("data-articles"))[:2] == ["hanbit ilbo", "it's \"x\""]

    def test_review_data_keyed_by_finding_id_with_the_reports_decision_time(
        self, report: dict[str, Any]
    ) -> None:
        """The page's data block gives the storage key (no generation time in it) and, per
        finding, the report's decision and when it was taken (its last history entry)."""
        html = render_html(report)
        block = re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S)
        assert block
        data = json.loads(block.group(1))
        assert data["storage_key"] == "crosscheck:review:"
        title = finding_id("title")
        assert data["reviews"][title] == {
            "status": "confirmed", "note": "회사 보도자료 확인: 대표가 맞음",
            "at": "2031-04-02T10:00:00+09:00"}
        assert data["reviews"][finding_id("doc")] == {"status": "open", "note": "", "at": ""}


class TestArticleText:
    def test_every_claim_is_one_element_with_exact_text(
        self, doc: Any, report: dict[str, Any]
    ) -> None:
        """Each claim is an element #a-<article>-<start> whose text is exactly the claim,
        also after an astral character (🔋), with its facets in the title."""
        for c in report["claims"]:
            els = doc.cssselect(f"#a-{c['article_id']}-{c['start']}")
            assert len(els) == 1
            assert _raw(els[0]) == c["text"]
            for facet in c["facets"]:
                assert facet["value"] in els[0].get("title")

    def test_article_text_is_complete_and_in_order(self, doc: Any, report: dict[str, Any]) -> None:
        """The full article text (claims, plain text and removed chrome) appears verbatim."""
        for a in report["articles"]:
            el = doc.cssselect(f"#art-{a['id']} .text")[0]
            for marker in el.cssselect(".removed-marker"):
                marker.drop_tree()
            assert _raw(el) == a["text"]

    def test_removed_text_present_but_hidden(self, doc: Any, report: dict[str, Any]) -> None:
        """Removed web chrome stays in the DOM, hidden until the unticked toggle is ticked."""
        texts = {a["id"]: a["text"] for a in report["articles"]}
        for r in report["removed"]:
            spans = doc.cssselect(f"#art-{r['article_id']} .text .removed")
            chrome = texts[r["article_id"]][r["start"] : r["end"]]
            assert chrome in "".join(_raw(s) for s in spans)
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
        needles = [XSS_SCRIPT, XSS_IMG, OUTLET_XSS]
        if report.get("events"):
            needles += [WIRE_XSS, EVENT_LABELS["guarantee"], f"the plant site {XSS_IMG}"]
        for needle in needles:
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

        shape = bool(report.get("events"))
        changed = make_report(extended=shape)
        changed["articles"][0]["title"] = "A corrected headline"
        changed["findings"][0]["summary"] = "A reworded summary"
        cache.write_text(json.dumps(first), encoding="utf-8")
        html, _ = write_report(changed, tmp_path / "c", fragment_cache=cache)
        page = html.read_text(encoding="utf-8")
        assert page == render_html(changed)
        assert "A corrected headline" in page and "A reworded summary" in page
        kept = json.loads(cache.read_text(encoding="utf-8"))
        assert len(set(kept) - set(first)) == 2  # exactly the two changed fragments

        # an outlet now marked as a copy: its section and the cards naming it change
        marked = make_report()
        marked["articles"][2]["copies_of"] = marked["articles"][0]["id"]
        assert "copy of" not in render_html(make_report())
        html, _ = write_report(marked, tmp_path / "d", fragment_cache=cache)
        page = html.read_text(encoding="utf-8")
        assert page == render_html(marked) and "copy of 한빛일보" in page

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


def test_large_corpus_keeps_the_matrix_and_lists_names_by_outlet() -> None:
    """With many articles the matrix is still drawn (chips per value, never one column per
    article) and names are listed by form with the outlets writing them; every finding
    card and every article is still there."""
    wide = make_report()
    base = wide["articles"][0]
    for i in range(60):
        wide["articles"].append({**base, "id": f"extra{i}", "outlet": f"Extra Outlet {i}"})
    doc = lxml.html.fromstring(render_html(wide))
    assert len(doc.cssselect("tr.mrow")) == sum(
        1 for f in wide["findings"] if f["kind"] in ("diverge", "agree"))
    assert all(len(r.cssselect("td")) == 1 for r in doc.cssselect("tr.mrow"))
    assert len(_cards(doc)) == len(wide["findings"])
    assert len(doc.cssselect("article.article")) == len(wide["articles"])
    forms = _text(doc.cssselect("table.entity-forms")[0])
    assert "Park Seo-yeon (CEO)" in forms and "박서연 (부사장)" in forms
    park = next(r for r in doc.cssselect("table.entity-forms tbody tr")
                if "Park Seo-yeon" in _text(r) or "박서연" in _text(r))
    outlets = {a["id"]: a["outlet"] for a in wide["articles"]}
    for m in next(e for e in wide["entities"] if e["canonical"] in _text(park))["mentions"]:
        assert outlets[m["article_id"]] in _text(park)
    codes = [_text(c) for c in doc.cssselect("table.corpus .chip")]
    assert len(codes) == len(wide["articles"]) == len(set(codes))
