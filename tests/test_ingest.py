"""Tests for crosscheck.ingest: decoding, formats, metadata, chrome removal, repeated lines."""

from __future__ import annotations

import time

import pytest
from conftest import SEEDS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.ingest import (
    IngestError,
    decode_text,
    detect_language,
    drop_repeated_lines,
    find_chrome,
    normalize_date,
    parse_article,
)
from crosscheck.models import Article

# An invented story, used throughout.
KO_BODY = (
    "한빛시는 3일 시청 앞 광장에서 새 공공도서관 개관식을 열었다고 밝혔다.\n\n"
    "도서관은 지상 5층 규모로 장서 12만 권을 갖췄으며 총사업비 340억원이 들었다.\n\n"
    "박서연 한빛시장은 \"도서관이 시민의 배움터가 될 것\"이라고 말했다.\n"
)
KO_ARTICLE = (
    "코스피\n2,801.15\n(12.40\n0.44%)\n버튼\n\n"
    "한빛시, 12만 권 규모 공공도서관 문 열어\n\n"
    "이도윤 기자\n\n"
    "입력 2025-03-03 10:20   수정 2025-03-03 11:05\n\n"
    "인쇄 메일 url 공유 - +\n\n"
    + KO_BODY
    + "\n사진=한빛일보\n\n"
    "개관식에서 시민들이 테이프를 자르고 있다. 연합뉴스\n\n"
    "<앵커>\n\n"
    "[ⓒ 한빛일보. 무단전재-재배포 금지]\n\n"
    "가장 많이 읽힌 뉴스\n"
    "시장 선거 앞두고 여론조사\n"
    "봄꽃 축제 일정 발표\n"
    "고객센터\n"
)


def kept_lines(art: Article) -> list[str]:
    """The body text of an article, line by line, with removed spans blanked out."""
    chars = list(art.text)
    for r in art.removed:
        for i in range(r.start, r.end):
            chars[i] = " "
    return [ln.strip() for ln in "".join(chars).splitlines() if ln.strip()]


def reasons(art: Article) -> dict[str, str]:
    """Removed text -> reason."""
    return {art.text[r.start:r.end]: r.reason for r in art.removed}


class TestDecode:
    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp949"])
    def test_every_encoding_gives_the_same_text(self, encoding: str) -> None:
        """UTF-8 with/without BOM, UTF-16 with BOM or without, and CP949 all decode alike."""
        assert decode_text(KO_ARTICLE.encode(encoding)) == KO_ARTICLE

    def test_crlf_is_kept_so_offsets_slice_the_file(self) -> None:
        """Windows newlines are not normalised: Article.text is the file, byte for byte."""
        raw = "제목 줄입니다\r\n\r\n본문 문장이 여기에 있다.\r\n"
        art = parse_article("a.txt", raw.encode("utf-8-sig"), "a")
        assert art.text == raw

    def test_sha256_is_of_the_raw_bytes(self) -> None:
        """sha256 identifies the file as stored, not the decoded text."""
        import hashlib

        data = KO_ARTICLE.encode("cp949")
        assert parse_article("a.txt", data, "a").sha256 == hashlib.sha256(data).hexdigest()

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (b"", "empty file"),
            (b"  \n\t\r\n ", "empty file"),
            (b"\x00\x01\x02\x03PK\x00\x00\xff\xfe\x00\x10" * 50, "binary data, not text"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8,
             "binary data, not text"),
        ],
    )
    def test_bad_input_raises_a_readable_error(self, data: bytes, reason: str) -> None:
        """Empty, whitespace-only and binary files raise IngestError naming the file."""
        with pytest.raises(IngestError) as info:
            parse_article("dir/bad.txt", data, "x")
        assert info.value.path == "dir/bad.txt"
        assert info.value.reason.startswith(reason)
        assert str(info.value) == f"dir/bad.txt: {info.value.reason}"

    def test_detect_language(self) -> None:
        """Hangul text is "ko", English is "en", no letters is "und"."""
        assert detect_language(KO_BODY) == "ko"
        assert detect_language("The mayor said the library would open on Monday.") == "en"
        assert detect_language("12 34 --") == "und"


class TestMarkdown:
    MD = (
        "---\n"
        "outlet: 한빛일보\n"
        "title: 도서관 개관\n"
        "published: 2025-03-04\n"
        "url: https://hanbit.example/1\n"
        "primary: true\n"
        "byline: 최하늘\n"
        "---\n"
        "# 한빛시 새 도서관 개관\n\n"
        "이도윤 기자\n\n"
        "입력 2025-03-03 10:20\n\n"
        "도서관은 **지상 5층** 규모로 [장서](https://hanbit.example/books) 12만 권을 갖췄다.\n\n"
        "- 열람실 300석,\n"
        "![외관](https://hanbit.example/img.jpg)\n\n"
        "[ⓒ 다른신문. 무단전재 금지]\n"
    )

    def test_front_matter_wins_over_inferred_metadata(self) -> None:
        """Front-matter values beat the byline, dateline and copyright lines in the text."""
        art = parse_article("a.md", self.MD.encode(), "a")
        assert art.format == "md"
        assert (art.outlet, art.title, art.published, art.byline) == (
            "한빛일보", "도서관 개관", "2025-03-04", "최하늘")
        assert art.url == "https://hanbit.example/1"
        assert art.primary is True
        assert art.meta_dict()["outlet"].source == "front_matter"

    def test_front_matter_and_markup_are_removed(self) -> None:
        """The front matter block, heading markers, bold markers and link URLs are not body."""
        art = parse_article("a.md", self.MD.encode(), "a")
        first = art.removed[0]
        assert (first.start, first.reason) == (0, "front_matter")
        assert art.text[first.start:first.end].startswith("---\noutlet")
        body = "\n".join(kept_lines(art))
        assert "#" not in body and "**" not in body and "https://" not in body
        assert "지상 5층" in body and "장서" in body and "열람실 300석," in body
        r = reasons(art)
        assert r["# "] == "markup"
        assert r["![외관](https://hanbit.example/img.jpg)"] == "image"

    def test_malformed_yaml_names_the_line(self) -> None:
        """Broken YAML in the front matter raises IngestError pointing at the bad line."""
        bad = "---\ntitle: ok\nurl: [unclosed\n---\n본문이다.\n"
        with pytest.raises(IngestError, match=r"malformed YAML front matter at line \d"):
            parse_article("b.md", bad.encode(), "b")

    def test_front_matter_only_is_an_error(self) -> None:
        """A Markdown file with front matter but no article text is refused."""
        with pytest.raises(IngestError, match="no article text"):
            parse_article("c.md", b"---\ntitle: x\n---\n\n", "c")


HTML = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbor bridge reopens | The Daily Lantern</title>
<meta property="og:site_name" content="The Daily Lantern">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2026-03-04T10:15:00Z">
<link rel="canonical" href="https://lantern.example/news/bridge"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article>
<h1>Harbor bridge reopens</h1>
<p>The harbor bridge in Millbrook reopened on Tuesday after eight months of repairs, city
officials said.</p>
<p>The project cost 42 million dollars, about ten percent more than planned, according to the
transport office.</p>
<p>Mayor Ellen Park said the bridge would carry 30,000 vehicles a day once traffic returns.</p>
</article><footer>Copyright 2026 The Daily Lantern</footer></body></html>"""


class TestHtml:
    def test_main_text_and_metadata_come_from_trafilatura(self) -> None:
        """An HTML page yields its article paragraphs and title, date, author, outlet, url."""
        art = parse_article("p.html", HTML.encode(), "p")
        assert art.format == "html" and art.language == "en"
        assert "eight months of repairs" in art.text and "Home" not in art.text
        assert art.title == "Harbor bridge reopens"
        assert art.published == "2026-03-04"
        assert art.outlet == "The Daily Lantern" and art.byline == "Jane Doe"
        assert art.url == "https://lantern.example/news/bridge"
        assert art.meta_dict()["published"].source == "html_meta"

    def test_page_without_main_text_is_an_error(self) -> None:
        """A page of navigation only raises 'HTML page has no main text'."""
        page = b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
        with pytest.raises(IngestError, match="HTML page has no main text"):
            parse_article("empty.html", page, "e")


class TestChrome:
    def test_korean_chrome_is_removed_with_reasons(self) -> None:
        """Tickers, buttons, share bars, credits, captions, labels, footers go; body stays."""
        art = parse_article("k.txt", KO_ARTICLE.encode(), "k")
        r = reasons(art)
        assert r["코스피"] == r["2,801.15"] == r["(12.40"] == r["0.44%)"] == "ticker"
        assert r["버튼"] == "button"
        assert r["인쇄 메일 url 공유 - +"] == "share"
        assert r["사진=한빛일보"] == "photo_credit"
        assert r["개관식에서 시민들이 테이프를 자르고 있다. 연합뉴스"] == "photo_caption"
        assert r["<앵커>"] == "speaker_label"
        assert r["[ⓒ 한빛일보. 무단전재-재배포 금지]"] == "copyright"
        assert r["가장 많이 읽힌 뉴스"] == "most_read"
        assert r["봄꽃 축제 일정 발표"] == "most_read"
        assert r["고객센터"] == "customer_service"
        assert r["이도윤 기자"] == "byline"
        assert r["입력 2025-03-03 10:20   수정 2025-03-03 11:05"] == "timestamp"
        kept = kept_lines(art)
        assert kept[0] == "한빛시, 12만 권 규모 공공도서관 문 열어"
        for line in KO_BODY.splitlines():
            if line:
                assert line in kept

    def test_metadata_is_inferred_from_the_text(self) -> None:
        """Byline, dateline, copyright line and first line fill the Article's fields."""
        art = parse_article("k.txt", KO_ARTICLE.encode(), "k")
        assert art.outlet == "한빛일보"
        assert art.byline == "이도윤"
        assert art.published == "2025-03-03T10:20"
        assert art.title == "한빛시, 12만 권 규모 공공도서관 문 열어"
        meta = art.meta_dict()
        assert meta["outlet"].source == "copyright_line"
        start, end = meta["published"].start, meta["published"].end
        assert start is not None and end is not None
        assert art.text[start:end] == "2025-03-03 10:20"

    def test_inline_photo_credit_only_removes_the_credit(self) -> None:
        """A credit inside a multi-sentence paragraph removes only the parenthesised credit."""
        para = ("도서관은 5층 건물이다. 열람실은 300석 규모다. (사진=한빛시)\n\n"
                "개관식에서 시장이 인사하고 있다. (사진=한빛시)\n")
        art = parse_article("c.txt", ("한빛시 도서관 개관 소식\n\n" + para).encode(), "c")
        r = reasons(art)
        assert r["(사진=한빛시)"] == "photo_credit"
        assert r["개관식에서 시장이 인사하고 있다. (사진=한빛시)"] == "photo_caption"
        assert "도서관은 5층 건물이다. 열람실은 300석 규모다." in kept_lines(art)

    def test_keeps_lists_and_quoted_headings(self) -> None:
        """▲/① items, bullets ending in a noun or comma and quoted headings are body."""
        text = ("도서관 개관의 의미\n\n“배움의 공간으로”\n\n① 열람실 확충\n"
                "장서 구입 예산 확대,\n▲주차장 신설 ▲셔틀버스 운행\n"
                "시는 내년까지 분관 두 곳을 더 열 계획이다.\n")
        art = parse_article("l.txt", text.encode(), "l")
        assert art.removed == ()

    def test_english_chrome(self) -> None:
        """English bylines, dates, photo credits, share bars and copyright lines are removed."""
        text = ("Harbor bridge reopens after repairs\n\nBy Jane Doe\n\nMarch 4, 2026 10:15 AM\n\n"
                "Share Print\n\n"
                "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.\n\n"
                "Cars cross the bridge on Tuesday. Photo: Tom Lee\n\n"
                "Copyright © 2026 The Daily Lantern. All rights reserved.\n\nMost read\n"
                "Council votes on budget\n")
        art = parse_article("e.txt", text.encode(), "e")
        assert (art.language, art.byline, art.published, art.outlet) == (
            "en", "Jane Doe", "2026-03-04T10:15", "The Daily Lantern")
        assert kept_lines(art) == [
            "Harbor bridge reopens after repairs",
            "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.",
        ]

    def test_korean_tip_line_and_bare_address(self) -> None:
        """A reporter's address on a line of its own and a call for readers' tips close a
        Korean wire story; they are chrome, the story stays."""
        text = ("한빛시는 3일 시청 앞 광장에서 새 공공도서관 개관식을 열었다고 밝혔다.\n"
                "reporter@hanbit.example\n▶제보는 카카오톡 hanbitjebo\n")
        art = parse_article("k.txt", text.encode(), "k")
        assert kept_lines(art) == [
            "한빛시는 3일 시청 앞 광장에서 새 공공도서관 개관식을 열었다고 밝혔다."]

    def test_english_page_furniture(self) -> None:
        """An accessibility link, a section bar with U.S., an ad label, a copied-link toast and
        a wire's long copyright notice (sentences and all) are page furniture, not claims."""
        text = ("Skip to main content\nU.S. World Politics Business\n"
                "Harbor bridge reopens after repairs\n"
                "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.\n"
                "Advertisement\nCopy Link copied\n"
                "Copyright 2031 The Millbrook Wire. All rights reserved. This material may not be "
                "published, broadcast, rewritten or redistributed without permission.\n")
        art = parse_article("f.txt", text.encode(), "f")
        assert kept_lines(art) == [
            "Harbor bridge reopens after repairs",
            "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.",
        ]

    def test_japanese_chrome(self) -> None:
        """A Japanese page: the menu, the publication time with its update (in full-width
        digits), a caption in the 「＝day、place」 form, the share bar, the related-stories
        block and the copyright line are removed; the publication time is the article's date,
        so a bare 14日 in the body resolves."""
        text = ("ホーム | 政治 | 経済 | 国際 | ログイン\n"
                "港湾局、新しい防波堤が完成\n"
                "２０３０年９月１５日 午前１０時３０分（２０３０年９月１５日 午後１時更新）\n"
                "港湾局は１４日、南防波堤の工事が完了したと発表した。総工費は約８０億円だった。\n"
                "（写真）完成した南防波堤＝１４日、浜岡市\n"
                "この記事をシェアする\n"
                "X Facebook LINE\n"
                "関連記事\n"
                "浜岡市、来年度予算案を発表\n"
                "Copyright © 浜岡新報社 All rights reserved.\n")
        art = parse_article("j.txt", text.encode(), "j")
        assert (art.language, art.published) == ("ja", "2030-09-15T10:30")
        assert kept_lines(art) == [
            "港湾局、新しい防波堤が完成",
            "港湾局は１４日、南防波堤の工事が完了したと発表した。総工費は約８０億円だった。",
        ]
        why = reasons(art)
        assert why["（写真）完成した南防波堤＝１４日、浜岡市"] == "photo_caption"
        assert why["関連記事"] == "related"

    def test_find_chrome_offsets_slice_the_text(self) -> None:
        """find_chrome returns sorted spans whose text is exactly the removed chrome."""
        spans = find_chrome(KO_ARTICLE, "ko")
        assert spans == sorted(spans, key=lambda r: r.start)
        assert all(KO_ARTICLE[r.start:r.end].strip() == KO_ARTICLE[r.start:r.end] for r in spans)
        assert KO_ARTICLE[spans[0].start:spans[0].end] == "코스피"


class TestClaimsAreAssertions:
    """Issue 15: bylines, credits, captions, headings, datelines, timestamps and site notes are
    removed with their reason; the sentences around them stay. Every example is invented."""

    KO_STORY = (
        "한빛시, 새 도서관 문 열어\n\n"
        "열람실 300석 규모\n\n"
        "[한빛경제= 박하늘 기자] 한빛시는 3일 시청 앞에서 새 도서관 개관식을 열었다고 밝혔다.\n\n"
        "도서관은 지상 5층 규모로 장서 12만 권을 갖췄으며 총사업비 340억원이 들었다.\n\n"
        "개관식에서 시장이 테이프를 자르고 있다. 사진=한빛통신\n\n"
        "운영 시간과 이용 방법\n\n"
        "도서관은 매일 오전 9시부터 오후 10시까지 문을 열고 월요일에는 쉰다고 시는 설명했다.\n\n"
        "시는 내년까지 분관 두 곳을 더 열 계획이라고 덧붙였다.박하늘 기자\n"
    )

    def test_bracketed_byline_before_the_first_sentence_is_cut_off(self) -> None:
        """"[Outlet= Name 기자] sentence": the bracket is a byline span; the sentence stays."""
        art = parse_article("k.txt", self.KO_STORY.encode(), "k")
        assert reasons(art)["[한빛경제= 박하늘 기자]"] == "byline"
        assert "한빛시는 3일 시청 앞에서 새 도서관 개관식을 열었다고 밝혔다." in kept_lines(art)
        assert art.byline == "박하늘"
        unopened = "세종=박하늘 기자] 한빛시는 3일 새 도서관을 열었다고 밝혔다.\n"
        art = parse_article("u.txt", unopened.encode(), "u")
        assert reasons(art)["세종=박하늘 기자]"] == "byline"
        assert kept_lines(art) == ["한빛시는 3일 새 도서관을 열었다고 밝혔다."]

    def test_english_bracketed_byline_and_wire_dateline(self) -> None:
        """[Outlet= Name], "PLACE -- " and "PLACE, Month D (Wire) - " prefixes are cut off."""
        text = ("Council approves harbor budget\n\n"
                "[Harbor Wire= Tom Reed] The Millbrook council approved a new harbor budget.\n\n"
                "MILLBROOK -- The budget adds 12 million dollars for dredging, officials said.\n\n"
                "MILLBROOK, March 4 (Harbor Wire) - The vote was seven to two, the clerk said.\n")
        art = parse_article("e.txt", text.encode(), "e")
        r = reasons(art)
        assert r["[Harbor Wire= Tom Reed]"] == "byline"
        assert r["MILLBROOK --"] == "dateline"
        assert r["MILLBROOK, March 4 (Harbor Wire) -"] == "dateline"
        kept = kept_lines(art)
        assert "The Millbrook council approved a new harbor budget." in kept
        assert "The vote was seven to two, the clerk said." in kept

    def test_glued_and_standalone_bylines(self) -> None:
        """A byline glued after the last sentence, a bulleted byline, a broadcast hand-over
        ("박하늘 기자입니다.") and a sourcing credit line are bylines."""
        art = parse_article("k.txt", self.KO_STORY.encode(), "k")
        r = reasons(art)
        assert r["박하늘 기자"] == "byline"
        assert "시는 내년까지 분관 두 곳을 더 열 계획이라고 덧붙였다." in kept_lines(art)
        text = ("도서관 개관 소식\n\n• 박하늘 기자\n\n"
                "한빛시가 새 도서관을 열었다고 밝혔다.\n\n박하늘 기자입니다.\n\n"
                "시는 분관도 열 계획이라고 밝혔다.\n\n(With inputs from Harbor Wire)\n")
        r = reasons(parse_article("b.txt", text.encode(), "b"))
        assert r["• 박하늘 기자"] == r["박하늘 기자입니다."] == "byline"
        assert r["(With inputs from Harbor Wire)"] == "byline"

    @pytest.mark.parametrize("caption", [
        "개관식에서 시장이 테이프를 자르고 있다. 사진=한빛통신",
        "시장이 개관식에서 인사하고 있다. /박하늘 기자",
        "도서관 전경. ⓒ 한빛시",
        "Mayor Ellen Park cuts the ribbon at the library on Tuesday. / Courtesy of Tom Reed",
        "Mayor Ellen Park speaks at the opening in Millbrook on Tuesday. [POOL PHOTO]",
        "▲박서연 한빛시장이 개관식에서 인사하고 있다. (한빛일보DB)",
        "Mayor Ellen Park visits the reading room on Tuesday. (File Photo)",
    ])
    def test_captions_with_a_credit_are_removed(self, caption: str) -> None:
        """A line of one or two sentences ending in a photo credit is a caption."""
        text = f"도서관 개관 소식\n\n한빛시는 새 도서관을 열었다고 밝혔다.\n\n{caption}\n\n" \
               "도서관은 매일 문을 연다고 시는 설명했다.\n"
        art = parse_article("c.txt", text.encode(), "c")
        assert reasons(art)[caption] == "photo_caption"
        assert kept_lines(art)[1:] == ["한빛시는 새 도서관을 열었다고 밝혔다.",
                                       "도서관은 매일 문을 연다고 시는 설명했다."]

    def test_korean_section_headings_are_removed(self) -> None:
        """A short line without a predicate between paragraphs is a heading; the title and
        deck before the first sentence stay (they state the story)."""
        art = parse_article("k.txt", self.KO_STORY.encode(), "k")
        r = reasons(art)
        assert r["운영 시간과 이용 방법"] == "heading"
        kept = kept_lines(art)
        assert kept[:2] == ["한빛시, 새 도서관 문 열어", "열람실 300석 규모"]
        assert art.title == "한빛시, 새 도서관 문 열어"

    def test_english_section_headings_are_removed(self) -> None:
        """Title Case, ALL CAPS, short sentence-case and question headings between paragraphs,
        cue headings (Key Takeaways, I. Purpose) and an ALL-CAPS label opening a paragraph."""
        text = ("Harbor bridge reopens after repairs\n\n"
                "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.\n\n"
                "Key Takeaways\n\n"
                "Traffic returns to the bridge, which carries 30,000 vehicles a day.\n\n"
                "Costs Rise Above the Original Plan\n\n"
                "The project cost 42 million dollars, ten percent more than planned.\n\n"
                "FUNDING AND TOLLS\n\n"
                "The city will not charge a toll, the mayor said on Tuesday.\n\n"
                "Timeline of the repairs\n\n"
                "Work began in July and ended two weeks ahead of schedule.\n\n"
                "What comes next for the harbor?\n\n"
                "I. Purpose\n\n"
                "NEXT STEPS: The council will review the port plan in May, officials said.\n")
        art = parse_article("e.txt", text.encode(), "e")
        r = reasons(art)
        for heading in ("Key Takeaways", "Costs Rise Above the Original Plan", "FUNDING AND TOLLS",
                        "Timeline of the repairs", "What comes next for the harbor?",
                        "I. Purpose", "NEXT STEPS:"):
            assert r[heading] == "heading", heading
        kept = kept_lines(art)
        assert kept[0] == "Harbor bridge reopens after repairs"
        assert "The council will review the port plan in May, officials said." in kept
        assert len(kept) == 7

    def test_colon_labels_and_quoted_headings_in_the_body(self) -> None:
        """A label ending in ":" (alone or glued after a sentence) and a quoted phrase without
        a predicate between paragraphs are headings; "그는 이렇게 말했다:" is not."""
        text = ("도서관 개관 소식\n\n한빛시는 새 도서관을 열었다고 밝혔다.\n\n"
                "“배움의 공간으로”\n\n시는 도서관을 시민 교육의 중심으로 삼겠다고 밝혔다.\n"
                "주요 시설:\n열람실과 강의실, 어린이실을 갖췄다. 이용 안내:\n"
                "도서관은 매일 문을 연다.\n그는 이렇게 말했다:\n“모두의 도서관이 되겠다.”\n")
        art = parse_article("q.txt", text.encode(), "q")
        r = reasons(art)
        assert r["“배움의 공간으로”"] == r["주요 시설:"] == r["이용 안내:"] == "heading"
        kept = kept_lines(art)
        assert "열람실과 강의실, 어린이실을 갖췄다." in kept
        assert "그는 이렇게 말했다:" in kept

    @pytest.mark.parametrize(("line", "reason"), [
        ("• 기사등록 2025-03-03 10:20:11", "timestamp"),
        ("2025.03.03. 오전 10:20.", "timestamp"),
        ("2025-03-03 10:20 사회", "timestamp"),
        ("3/4/2026 | Press note | Posted on 3/4/2026 10:15", "timestamp"),
        ("Published: 04 Mar. 2026, 10:15 Updated: 04 Mar. 2026, 11:00", "timestamp"),
        ("Millbrook, Mar 4", "dateline"),
    ])
    def test_timestamps_and_datelines(self, line: str, reason: str) -> None:
        """Lines of dates, times and their labels (with a section word or as cells) are
        timestamps; a place with its date is a dateline."""
        text = f"도서관 개관 소식\n\n{line}\n\n한빛시는 새 도서관을 열었다고 밝혔다.\n"
        assert reasons(parse_article("t.txt", text.encode(), "t"))[line] == reason

    def test_timestamp_and_byline_after_the_headline_on_one_line(self) -> None:
        """"Headline. Month. D, YYYY HH:MM. by 이름기자 e-mail." keeps the headline only."""
        stamp = "March. 4, 2026 10:15. by 박하늘기자 sky@example.com."
        text = (f"Library opens in Millbrook. {stamp}\n\n"
                "The library opened on Tuesday with 120,000 books, the city said.\n")
        art = parse_article("d.txt", text.encode(), "d")
        assert reasons(art)[stamp] == "timestamp"
        assert kept_lines(art)[0] == "Library opens in Millbrook."
        assert (art.byline, art.published) == ("박하늘", "2026-03-04T10:15")

    def test_site_notes_are_removed(self) -> None:
        """The site speaking about the page — a breaking-news notice at the top, a summary
        notice at the end, a "다음은 … 전문이다." before a transcript (also glued in a
        paragraph) — is a site note; a sentence about a website in the body is not."""
        text = ("This is a breaking news story, and Harbor Wire is providing continuous updates.\n"
                "The harbor bridge in Millbrook reopened on Tuesday after eight months of work.\n"
                "The city posted the official schedule on its website on Monday.\n"
                "This story was summarized by an automatic tool from the full report.\n")
        r = reasons(parse_article("s.txt", text.encode(), "s"))
        assert r["This is a breaking news story, and Harbor Wire is providing continuous "
                 "updates."] == "site_note"
        assert r["This story was summarized by an automatic tool from the full report."] \
            == "site_note"
        assert len(r) == 2
        lead, glued = "다음은 기자회견 전문이다.", "아래는 분관 계획의 주요 내용이다."
        tail = "이 기사는 인공지능이 본문을 세 문장으로 간추린 요약본입니다. 전문 읽기를 권장한다."
        website = "시는 누리집에 공식 일정을 올렸다고 밝혔다."
        ko = "\n\n".join(["한빛시장 기자회견 전문", "시장은 3일 기자회견을 열었다.", lead,
                          "시장은 \"도서관을 더 짓겠다\"고 말했다.", website,
                          f"시는 분관을 연다.{glued} 분관은 두 곳이다.", tail])
        art = parse_article("n.txt", ko.encode(), "n")
        r = reasons(art)
        assert r[lead] == r[glued] == r[tail] == "site_note"
        kept = [" ".join(k.split()) for k in kept_lines(art)]
        assert website in kept
        assert "시는 분관을 연다. 분관은 두 곳이다." in kept

    def test_page_head_labels_repeats_and_link_lists(self) -> None:
        """In the head: the outlet's own name (from the front matter), short labels without a
        predicate, a headline printed twice (also wrapped over two lines), and a list of
        bulleted headlines go; the headline stays."""
        text = ("---\noutlet: Millbrook Ledger (via a reprint site)\n---\n"
                "- Council votes on the port budget\n- Schools close for the storm\n"
                "- Rail line to reopen in May\n"
                "Site Map\n"
                "Harbor bridge reopens after eight months of repairs\n"
                "Millbrook Ledger\n"
                "Harbor bridge reopens after eight\nmonths of repairs\n"
                "The harbor bridge in Millbrook reopened on Tuesday, officials said.\n")
        art = parse_article("h.md", text.encode(), "h")
        r = reasons(art)
        assert r["- Council votes on the port budget"] == "related"
        assert r["Site Map"] == "nav"
        assert r["Millbrook Ledger"] == "masthead"
        assert r["Harbor bridge reopens after eight"] == r["months of repairs"] == "duplicate"
        assert kept_lines(art) == [
            "Harbor bridge reopens after eight months of repairs",
            "The harbor bridge in Millbrook reopened on Tuesday, officials said."]

    def test_speaker_labels_and_comment_buttons(self) -> None:
        """"[이름 / 직함]" over a broadcast quote is a speaker label; "댓글 남기기" a button."""
        text = ("도서관 개관 소식\n\n[박서연 / 한빛시장]\n"
                "도서관이 시민의 배움터가 되기를 바랍니다.\n\n댓글 남기기\n")
        r = reasons(parse_article("v.txt", text.encode(), "v"))
        assert r["[박서연 / 한빛시장]"] == "speaker_label"
        assert r["댓글 남기기"] == "nav"

    def test_find_chrome_contract_holds_for_the_new_kinds(self) -> None:
        """Spans of every new kind are sorted, non-overlapping, and slice exactly the removed
        text, without surrounding whitespace."""
        text = "\n\n".join([self.KO_STORY, "MILLBROOK -- The bridge reopened on Tuesday.",
                            "Key Takeaways", "• 기사등록 2025-03-03 10:20:11",
                            "시장이 인사하고 있다. /박하늘 기자", "다음은 기자회견 전문이다.",
                            "Library opens. March. 4, 2026 10:15. by 박하늘기자 sky@example.com."])
        spans = find_chrome(text, "ko")
        assert {r.reason for r in spans} >= {"byline", "dateline", "heading", "timestamp",
                                             "photo_caption", "site_note"}
        prev = 0
        for r in spans:
            piece = text[r.start:r.end]
            assert prev <= r.start < r.end and piece == piece.strip()
            prev = r.end

    def test_what_is_not_chrome_stays(self) -> None:
        """Decks, list items, a presenter's question before the reporter's answer, a
        colon-ended English sentence and bracketed story labels are not removed."""
        text = ("한빛시, 새 도서관 문 열어\n\n“배움의 공간으로”\n\n"
                "한빛시는 3일 새 도서관을 열었다고 밝혔다.\n\n① 열람실 확충\n"
                "시는 열람실을 300석으로 늘렸다.\n\n[속보] 시는 분관도 열기로 했다고 밝혔다.\n\n"
                "그렇다면 분관은 언제 문을 엽니까?\n\n<기자>\n\n내년 봄에 문을 엽니다.\n\n"
                "The mayor said:\n\"The library belongs to everyone.\"\n")
        art = parse_article("w.txt", text.encode(), "w")
        assert set(reasons(art).values()) == {"speaker_label"}


class TestMetadata:
    @pytest.mark.parametrize(
        ("raw", "iso"),
        [
            ("입력 2025-10-29 17:38", "2025-10-29T17:38"),
            ("입력 : 2025-10-29 19:07:52", "2025-10-29T19:07:52"),
            ("a@b.kr | 2025-11-03 11:00:00", "2025-11-03T11:00:00"),
            (" date 2025-10-29", "2025-10-29"),
            ("Nov. 3, 2025", "2025-11-03"),
            ("March 4, 2026 10:15 AM", "2026-03-04T10:15"),
            ("2025년 3월 4일 오후 2시 5분", "2025-03-04T14:05"),
            ("2025年3月4日（火）午後2時5分", "2025-03-04T14:05"),
            ("기사입력 2031.06.12. 오후 3:02", "2031-06-12T15:02"),
            ("２０２５年３月４日 午前９時", "2025-03-04"),
            ("2026-03-04T10:15:00Z", "2026-03-04T10:15:00+00:00"),
            ("no date here", None),
        ],
    )
    def test_dates_are_normalised_to_iso(self, raw: str, iso: str | None) -> None:
        """Korean and English date formats become ISO 8601."""
        assert normalize_date(raw) == iso

    def test_email_domain_is_mapped_through_the_copyright_line(self) -> None:
        """An e-mail domain maps to the readable name a copyright line gives for that site."""
        text = ("도서관 개관 소식 전해\n\n한빛시는 새 도서관을 열었다고 밝혔다.\n\n"
                "정민수 기자 jms@hanbit.example.kr\n")
        art = parse_article("m.txt", text.encode(), "m")
        assert art.outlet == "hanbit.example.kr"
        assert art.meta_dict()["outlet"].source == "email_domain"
        with_copyright = text + "<ⓒ시민의 벗, 한빛일보(www.hanbit.example.kr) 무단전재 금지>\n"
        art2 = parse_article("m.txt", with_copyright.encode(), "m")
        assert art2.outlet == "한빛일보"


def _article(outlet: str | None, text: str, aid: str) -> Article:
    art = parse_article(f"{aid}.txt", text.encode(), aid)
    from dataclasses import replace

    return replace(art, outlet=outlet)


class TestRepeatedLines:
    BOILER = "한빛일보 앱에서 더 많은 소식을 만나세요"
    QUOTE = "시장은 \"도서관은 모두의 것\"이라고 말했다."

    def test_lines_repeated_within_an_outlet_are_removed(self) -> None:
        """A line two articles of one outlet share is boilerplate; unique lines stay."""
        a = _article("한빛일보", f"첫 기사 본문이 여기 있다고 전했다.\n{self.BOILER}\n", "a")
        b = _article("한빛일보", f"둘째 기사 본문은 다르다고 전했다.\n{self.BOILER}\n", "b")
        out = drop_repeated_lines([a, b])
        for art in out:
            assert reasons(art)[self.BOILER] == "repeated"
            assert len(kept_lines(art)) == 1

    def test_lines_shared_across_outlets_are_kept(self) -> None:
        """A sentence found in two outlets may be a shared quote and is never removed."""
        a = _article("한빛일보", f"{self.QUOTE}\n첫 기사다.\n", "a")
        b = _article("한빛일보", f"{self.QUOTE}\n둘째 기사다.\n", "b")
        c = _article("다른신문", f"{self.QUOTE}\n셋째 기사다.\n", "c")
        out = drop_repeated_lines([a, b, c])
        assert all(self.QUOTE in kept_lines(art) for art in out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ext=st.sampled_from([".txt", ".md", ".html"]),
    front=st.one_of(st.none(), st.dictionaries(
        st.sampled_from(["outlet", "title", "published", "primary", "url", "byline"]),
        st.one_of(st.text(max_size=20), st.booleans(), st.integers(), st.dates()), max_size=4)),
    body=st.one_of(
        st.text(max_size=300),
        st.lists(st.sampled_from([
            "코스피", "4,551.06", "(25.58", "버튼", "김철수 기자", "입력 2025-10-29 17:38",
            "<앵커>", "사진=뉴시스", "관련뉴스", "[ⓒ 한빛일보. 무단전재 금지]", "![a](http://x)",
            "# 제목", "**굵게** 본문이다.", "도서관은 문을 열었다고 밝혔다.", "", "  ", "\r",
            "• 목록", "---", "By Jane Doe", "Nov. 3, 2025", "(사진=한빛시)",
            "[한빛경제= 박하늘 기자] 시는 도서관을 열었다.", "MILLBROOK -- The bridge reopened.",
            "운영 시간과 이용 방법", "Key Takeaways", "What comes next?", "주요 시설:",
            "시장이 인사하고 있다. /박하늘 기자", "박하늘 기자입니다.", "다음은 기자회견 전문이다.",
            "3/4/2026 | Press note", "2025.03.03. 오전 10:20.", "- Schools close early",
            "Library opens. March. 4, 2026 10:15. by 박하늘기자 sky@example.com.",
        ]), max_size=20).map("\n".join),
    ),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp949"]),
)
def test_parse_article_never_fails_unexpectedly(
    ext: str, front: dict[str, object] | None, body: str, raw: bytes | None, encoding: str
) -> None:
    """Any input gives an Article with sorted, in-bounds, non-overlapping spans, or IngestError."""
    import yaml

    if raw is not None:
        data = raw
    else:
        text = body
        if front is not None:
            text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n" + body
        try:
            data = text.encode(encoding)
        except UnicodeEncodeError:
            data = text.encode("utf-8")
    try:
        art = parse_article("x" + ext, data, "x")
    except IngestError as exc:
        assert exc.reason
        return
    prev_end = 0
    for r in art.removed:
        assert 0 <= prev_end <= r.start < r.end <= len(art.text)
        assert r.reason
        prev_end = r.end
    for _, mv in art.meta:
        if mv.start is not None and mv.end is not None:
            assert 0 <= mv.start <= mv.end <= len(art.text)


class TestScale:
    def test_large_inputs_stay_fast(self) -> None:
        """A 10 MB article and a 1 MB line without a break ingest in a few seconds."""
        big = ("도서관은 시민 누구나 무료로 이용할 수 있다고 시는 밝혔다.\n" * 160_000).encode()
        one_line = ("가나다라 (사진 [링크](http " * 60_000).encode()
        t0 = time.perf_counter()
        art = parse_article("big.txt", big, "big")
        parse_article("line.md", one_line, "line")
        assert len(art.text) > 4_000_000
        assert time.perf_counter() - t0 < 30


def _seed(prefix: str) -> Article:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return parse_article(str(path), path.read_bytes(), prefix)


CHROME_MARKERS = ("버튼", "사진=", "무단전재", "WEEKLY HOT", "가장 많이 읽힌", "고객센터", "마이핀",
                  "GOLD PLUS", "<앵커>", "<기자>", "](http", "마스크영역", "인쇄 메일")


@pytest.mark.seeds
class TestSeeds:
    @pytest.mark.parametrize(
        ("prefix", "outlet"),
        [("000", "META-X"), ("002", "아시아경제"), ("003", "세계일보"), ("004", "한국경제TV")],
    )
    def test_outlet_is_inferred(self, prefix: str, outlet: str) -> None:
        """The outlet comes from the copyright line, masthead or footer of each seed."""
        assert _seed(prefix).outlet == outlet

    @pytest.mark.parametrize(("prefix", "date"),
                             [("000", "2025-11-03"), ("001", "2025-10-29"),
                              ("003", "2025-10-29"), ("004", "2025-10-29")])
    def test_published_is_inferred(self, prefix: str, date: str) -> None:
        """The publication date comes from the seed's dateline."""
        published = _seed(prefix).published
        assert published is not None and published.startswith(date)

    @pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
    def test_no_chrome_left_in_the_body(self, prefix: str) -> None:
        """After removal no body line carries tickers, buttons, credits or footer text."""
        import re

        for line in kept_lines(_seed(prefix)):
            assert not any(m in line for m in CHROME_MARKERS), line
            assert not re.fullmatch(r"(코스피|코스닥)|[\d,.()%]+", line), line
            assert not line.startswith("!["), line

    @pytest.mark.parametrize(
        ("prefix", "fragments"),
        [
            ("000", ["두 축으로 나뉜다", "공급망의 복원력", "표준화 전쟁의 전면화", "신호탄이다"]),
            ("001", ["차세대 과학기술 분야", "비구속적 MOU", "강조했다."]),
            ("002", ["블룸버그통신이", "익명의 미 정부", "中과 기술 패권"]),
            ("003", ["기술번영 MOU", "협력관계를 구축해왔다", "젠슨 황 “모든"]),
            ("004", ["큐비트 연산단위", "한미가 오늘(29일)", "이유가 무엇입니까?"]),
        ],
    )
    def test_body_paragraphs_remain(self, prefix: str, fragments: list[str]) -> None:
        """Real body sentences, subheadings and list items are not removed."""
        body = "\n".join(kept_lines(_seed(prefix)))
        for fragment in fragments:
            assert fragment in body, fragment
