"""Ingest: raw bytes -> :class:`Article` with metadata and the spans that are not article body.

Pure functions: the pipeline reads a file and hands its bytes here; nothing in this module
touches the disk or the network.

Stages, in order (see :func:`parse_article`):

1. :func:`decode_text` — BOMs, strict UTF-8, BOM-less UTF-16, then charset-normalizer
   (CP949/EUC-KR...); binary or empty input raises :class:`IngestError`.
2. Format: ``.md`` (YAML front matter), ``.txt``, ``.html`` (main text and metadata from
   trafilatura).
3. :func:`find_chrome` — web chrome (tickers, menus, share buttons, photo credits and
   captions, related / most-read blocks, copyright footers, bylines, datelines, timestamps,
   section headings, site notes, markup...) becomes ``Removed`` spans, so that what is left
   are assertions; the same scan infers metadata (outlet, byline, date, title) with its
   provenance. Line by line first (each line's shape and the page words of every language's
   data file, ``chrome:`` in ``lang/data/*.yaml``), then with the page around each line
   (:func:`_structure`: the head above the first sentence, a heading between paragraphs),
   asking each line's language whether it has a predicate (kiwi's tags for Korean).
4. :func:`drop_repeated_lines` (across articles) — boilerplate lines an outlet repeats.

Every regular expression runs on one short line (or a line's last 160 characters) at a
time, or starts with a literal or after a sentence end, so a 10 MB article or a 1 MB line
without a break stays linear.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import charset_normalizer
import yaml

from crosscheck import lang
from crosscheck.lang.base import Language
from crosscheck.models import Article, MetaValue, Removed

__all__ = [
    "REASONS",
    "IngestError",
    "decode_text",
    "detect_language",
    "drop_repeated_lines",
    "find_chrome",
    "normalize_date",
    "parse_article",
]

#: Every reason a span can be removed for.
REASONS = (
    "front_matter", "markup", "image", "ticker", "nav", "share", "search", "button",
    "photo_credit", "photo_caption", "related", "most_read", "copyright", "subscription",
    "customer_service", "speaker_label", "byline", "dateline", "masthead", "repeated",
    "timestamp", "heading", "site_note", "duplicate",
)
"""``timestamp``: a line of publication dates and times (입력 2025-03-03 10:20, Published: …);
``dateline``: where and when a report was filed (MILLBROOK --, (부산=한빛통신), Millbrook, Mar 4);
``heading``: a section heading or label (Key Takeaways, 향후 계획, a Title Case line between
paragraphs); ``site_note``: the site speaking about the page (a breaking-news notice, a
summary or translation notice, 다음은 … 전문); ``duplicate``: a line the page prints twice
(the headline above the story and again as its heading)."""

def _words(s: str) -> frozenset[str]:
    """A set of the whitespace-separated words of ``s``."""
    return frozenset(s.split())


_SHORT = 300  # whole-line chrome rules only look at lines up to this length


class IngestError(Exception):
    """A file that cannot become an article; ``str()`` is ``"{path}: {reason}"``."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


# --------------------------------------------------------------------------------------------
# Decoding


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_TEXT_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1b\x85")  # \x85: NEL, a line break


def _looks_binary(text: str) -> bool:
    """True when a decoded string is mostly not text (NULs, controls, private/unassigned)."""
    sample = text[:200_000]
    if "\x00" in sample:
        return True
    bad = 0
    for ch in sample:
        if ch < " " and ch not in _TEXT_CONTROLS:
            bad += 1
        elif ch >= "\x7f" and ch not in _TEXT_CONTROLS:
            cat = unicodedata.category(ch)
            if cat in ("Cc", "Co", "Cn", "Cs") or ch == "\ufffd":
                bad += 1
    return bad > max(2, len(sample) // 50)


def _utf16_without_bom(data: bytes, path: str) -> str | None:
    """Decode BOM-less UTF-16 recognised by its NUL pattern (ASCII-heavy text), else None.

    UTF-16 cut short (an odd number of bytes, the pattern otherwise clear) raises
    :class:`IngestError` "cannot decode", not "binary data"."""
    if len(data) < 4:
        return None
    body = data[: len(data) - len(data) % 2]
    even, odd = body[0::2], body[1::2]
    n = len(body) // 2
    for zeros, other, enc in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        nul = zeros.count(0)
        if nul >= n * 0.05 and other.count(0) * 4 <= nul:
            try:
                text = body.decode(enc)
            except UnicodeDecodeError:
                return None
            if _looks_binary(text):
                return None
            if len(data) % 2:
                raise IngestError(path, f"cannot decode: {enc.upper()} text without a BOM, cut "
                                        f"short (an odd number of bytes: {len(data)})")
            return text
    return None


def _damaged_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (cut mid-character at the end, a stray byte), decoded
    with U+FFFD for each broken sequence; None when the bytes do not read as UTF-8.

    Reading such a file as UTF-8 keeps every intact character; a legacy code page guessed
    from the whole file would turn each of them into mojibake."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut off at the very end?
        head = data[: exc.start].decode("utf-8")  # valid: the first error is at exc.start
        # a lone lead byte after pure ASCII may as well be Windows-1252 ("…ß" at the end)
        if exc.reason == "unexpected end of data" and exc.end == len(data) and (
                len(data) - exc.start > 1 or not head.isascii()):
            return head + "\ufffd"
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count("\ufffd".encode())
    intact = sum(1 for ch in text if ch > "\x7f" and ch != "\ufffd")
    if broken > 0 and intact >= 4 * broken and broken <= len(text) // 100 + 1:
        return text
    return None


def _hangul_share(text: str) -> float:
    """Hangul syllables among the letters of ``text`` (0 when it has none)."""
    hangul = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    letters = hangul + sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return hangul / letters if hangul >= 2 else 0.0


def _common_hangul(text: str) -> bool:
    """True when nine in ten Hangul syllables of ``text`` are among KS X 1001's 2,350 (what
    EUC-KR text uses; the other 8,822 of CP949 are what a Windows-1252 "—a" decodes to)."""
    syllables = [ch for ch in text if "\uac00" <= ch <= "\ud7a3"]
    common = 0
    for ch in syllables:
        with contextlib.suppress(UnicodeEncodeError):  # (8 bytes: EUC-KR's make-up form)
            common += len(ch.encode("euc_kr")) == 2
    return common >= 0.9 * len(syllables)


_CP1252_OK = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Pi", "Pf", "Pd", "Po", "Ps", "Pe", "Sc",
                        "Sm", "So", "Sk", "No", "Zs"})


def _legacy(data: bytes, path: str) -> str:
    """Text in a legacy code page, decoded only where the guess can be trusted: CP949 when it
    reads as Korean, Windows-1252 (a superset of Latin-1) when it reads as Western text with
    a few accented letters, charset-normalizer's guess for other scripts only on inputs long
    enough to tell; else :class:`IngestError` "cannot decode" (never a confident wrong page).
    """
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("cp949")
        if _hangul_share(text) >= 0.2 and _common_hangul(text):
            return text
    with contextlib.suppress(UnicodeDecodeError):
        text = data.decode("cp1252")
        high = [ch for ch in text if ch > "\x7f"]
        letters = sum(1 for ch in text if ch.isalpha())
        if all(unicodedata.category(ch) in _CP1252_OK for ch in high) and (
                sum(1 for ch in high if ch.isalpha()) <= 0.3 * max(letters, 1)):
            return text
    if sum(1 for b in data[:200_000] if b > 0x7F) >= 200:
        best = charset_normalizer.from_bytes(data).best()
        if best is not None and best.encoding not in ("cp1250", "cp1252", "latin_1",
                                                      "iso8859_15", "mac_roman", "mac_iceland"):
            enc = "cp949" if best.encoding in ("euc_kr", "cp949") else best.encoding
            with contextlib.suppress(UnicodeDecodeError, LookupError):
                return data.decode(enc)
    raise IngestError(path, "cannot decode: not UTF-8, and no encoding fits with confidence "
                            "(tried UTF-8, UTF-16, CP949/EUC-KR, Windows-1252 and others) — "
                            "save it as UTF-8")


def decode_text(data: bytes, path: str = "<bytes>") -> str:
    """Decode a text file's bytes: BOM (dropped), strict UTF-8, UTF-16, UTF-8 with a few broken
    bytes (U+FFFD for each), then a legacy code page where one fits with confidence.

    Raises :class:`IngestError` for empty or whitespace-only input, binary data, or bytes no
    text encoding fits. Newlines are returned untouched.
    """
    if not data:
        raise IngestError(path, "empty file")
    text: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(enc)
            except UnicodeDecodeError as exc:
                raise IngestError(path, f"cannot decode: invalid {enc} after its BOM ({exc.reason})"
                                  ) from exc
            break
    if text is None and b"\x00" in data[:200_000]:  # (ASCII in UTF-16 is valid UTF-8 too)
        text = _utf16_without_bom(data, path)
        if text is None:
            raise IngestError(path, "binary data, not text")
    if text is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    if text is None:
        head = data[:200_000]
        controls = sum(1 for b in head if b < 0x20 and b not in (9, 10, 11, 12, 13, 27))
        if controls > max(2, len(head) // 50):
            raise IngestError(path, "binary data, not text")
        text = _damaged_utf8(data)
        if text is None:
            text = _legacy(data, path)
    if _looks_binary(text):
        raise IngestError(path, "binary data, not text")
    if not text.strip():
        raise IngestError(path, "empty file (whitespace only)")
    return text


# --------------------------------------------------------------------------------------------
# Language


_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words("the and of to in is that for on with was said as by it"),
    "fr": _words("le la les des et est une dans que pour sur pas au du"),
    "de": _words("der die und das ist nicht mit den von zu ein eine auf dem"),
    "es": _words("el los las y que del una por con para es se al"),
}


def detect_language(text: str) -> str:
    """Guess the ISO 639-1 language of a text from its script (Hangul ratio for Korean).

    Returns "ko", "ja", "zh", "ru", "ar", "el", "he", "th", "hi", a Latin-script guess
    ("en", "fr", "de", "es"; "en" by default) or "und" when there are no letters.
    """
    sample = text[:100_000]
    counts = {"ko": 0, "ja": 0, "zh": 0, "ru": 0, "ar": 0, "el": 0, "he": 0, "th": 0, "hi": 0}
    latin = 0
    for ch in sample:
        o = ord(ch)
        if o < 0x80:
            if ch.isalpha():
                latin += 1
        elif 0xAC00 <= o <= 0xD7A3 or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
            counts["ko"] += 1
        elif 0x3040 <= o <= 0x30FF:
            counts["ja"] += 1
        elif 0x4E00 <= o <= 0x9FFF:
            counts["zh"] += 1
        elif 0x0400 <= o <= 0x04FF:
            counts["ru"] += 1
        elif 0x0600 <= o <= 0x06FF:
            counts["ar"] += 1
        elif 0x0370 <= o <= 0x03FF:
            counts["el"] += 1
        elif 0x0590 <= o <= 0x05FF:
            counts["he"] += 1
        elif 0x0E00 <= o <= 0x0E7F:
            counts["th"] += 1
        elif 0x0900 <= o <= 0x097F:
            counts["hi"] += 1
        elif ch.isalpha() and o < 0x250:
            latin += 1
    total = latin + sum(counts.values())
    if total == 0:
        return "und"
    if counts["ko"] >= 0.15 * total:
        return "ko"
    if counts["ja"] >= 0.1 * total:
        return "ja"
    best = max(counts, key=lambda k: counts[k])
    if counts[best] > latin:
        return best
    words = re.findall(r"[^\W\d_]+", sample[:20_000].lower())
    votes = {lang: sum(1 for w in words if w in sw) for lang, sw in _STOPWORDS.items()}
    lang = max(votes, key=lambda k: votes[k])
    return lang if votes[lang] > votes["en"] else "en"


# --------------------------------------------------------------------------------------------
# Dates


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_RE = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
             r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_TIME_RE = r"(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?"
_DATE_RES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)\.?"
               r"(?:[ T]{1,3}(?:(?P<ap>오전|오후|午前|午後)\s?)?" + _TIME_RE
               + r"(?:\.\d+)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"),  # 2031.06.12. 오후 3:02
    # 2025년 4월 22일 오후 3시 10분 / 2031年5月13日（火）午後4時05分: year, month, day words
    re.compile(r"(?P<y>(?:19|20)\d{2})[년年]\s?(?P<m>\d{1,2})[월月]\s?(?P<d>\d{1,2})[일日]"
               r"(?:\s?[(（][^()（）\d]{1,3}[)）])?"
               r"(?:\s?(?P<ap>오전|오후|午前|午後)?\s?(?P<H>\d{1,2})(?::|[시時]\s?)(?P<M>\d{1,2})"
               r"[분分]?)?"),
    re.compile(r"\b(?P<mon>" + _MONTH_RE + r")\.?\s(?P<d>\d{1,2}),?\s(?P<y>(?:19|20)\d{2})"
               r"(?:,?\s(?:at\s)?" + _TIME_RE + r"\s?(?P<ap>[AaPp]\.?[Mm]\.?)?)?"),
    re.compile(r"\b(?P<d>\d{1,2})\s(?P<mon>" + _MONTH_RE + r")\.?,?\s(?P<y>(?:19|20)\d{2})"
               r"(?:,?\s" + _TIME_RE + r")?"),
)


def _date_from_match(m: re.Match[str]) -> str | None:
    """Turn one date match into an ISO 8601 string, or None when it is not a real date."""
    g = m.groupdict()
    try:
        month = int(g["m"]) if g.get("m") else _MONTHS[g["mon"].lower()[:3]]
        day = dt.date(int(g["y"]), month, int(g["d"]))
    except (ValueError, KeyError):
        return None
    if not g.get("H"):
        return day.isoformat()
    hour, minute = int(g["H"]), int(g["M"])
    ap = (g.get("ap") or "").lower().replace(".", "")
    if ap in ("pm", "오후", "午後") and hour < 12:
        hour += 12
    elif ap in ("am", "오전", "午前") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day.isoformat()
    iso = f"{day.isoformat()}T{hour:02d}:{minute:02d}"
    if g.get("S"):
        iso += f":{int(g['S']):02d}"
    tz = g.get("tz")
    if tz:
        iso += "+00:00" if tz == "Z" else (tz if ":" in tz else f"{tz[:3]}:{tz[3:]}")
    return iso


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９：／", "0123456789:/")
"""Full-width digits as ASCII, one character for one (offsets stay exact): ２０３１年."""


def _find_dates(s: str) -> list[tuple[int, int, str]]:
    """All dates in a short string: (start, end, iso), in order, non-overlapping."""
    s = s.translate(_FULLWIDTH_DIGITS)
    found: list[tuple[int, int, str]] = []
    for rx in _DATE_RES:
        for m in rx.finditer(s):
            iso = _date_from_match(m)
            if iso and not any(a < m.end() and m.start() < b for a, b, _ in found):
                found.append((m.start(), m.end(), iso))
    return sorted(found)


def normalize_date(value: str) -> str | None:
    """The first date in ``value`` as ISO 8601 (date or date-time), or None."""
    dates = _find_dates(value[:_SHORT])
    return dates[0][2] if dates else None


# --------------------------------------------------------------------------------------------
# Outlets


_KNOWN_OUTLETS: dict[str, tuple[str, ...]] = {
    "연합뉴스": ("yna.co.kr", "yonhapnews.co.kr"), "연합뉴스TV": ("yonhapnewstv.co.kr",),
    "뉴시스": ("newsis.com",), "뉴스1": ("news1.kr",), "아시아경제": ("asiae.co.kr",),
    "세계일보": ("segye.com",), "한국경제TV": ("wowtv.co.kr",), "한국경제": ("hankyung.com",),
    "매일경제": ("mk.co.kr",), "조선일보": ("chosun.com",), "중앙일보": ("joongang.co.kr",),
    "동아일보": ("donga.com",), "한겨레": ("hani.co.kr",), "경향신문": ("khan.co.kr",),
    "한국일보": ("hankookilbo.com",), "국민일보": ("kmib.co.kr",), "서울신문": ("seoul.co.kr",),
    "문화일보": ("munhwa.com",), "서울경제": ("sedaily.com",), "머니투데이": ("mt.co.kr",),
    "이데일리": ("edaily.co.kr",), "파이낸셜뉴스": ("fnnews.com",), "전자신문": ("etnews.com",),
    "헤럴드경제": ("heraldcorp.com",), "뉴스핌": ("newspim.com",), "디지털타임스": ("dt.co.kr",),
    "KBS": ("kbs.co.kr",), "MBC": ("imbc.com",), "SBS": ("sbs.co.kr",), "YTN": ("ytn.co.kr",),
    "JTBC": ("jtbc.co.kr",), "MBN": ("mbn.co.kr",), "채널A": ("ichannela.com",),
    "The Korea Herald": ("koreaherald.com",), "The Korea Times": ("koreatimes.co.kr",),
    "Reuters": ("reuters.com",), "Associated Press": ("apnews.com",),
    "Bloomberg": ("bloomberg.com",), "BBC": ("bbc.com", "bbc.co.uk"),
    "The New York Times": ("nytimes.com",), "The Washington Post": ("washingtonpost.com",),
    "The Guardian": ("theguardian.com",), "CNN": ("cnn.com",),
}
_WEBMAIL = _words(
    "gmail.com naver.com daum.net hanmail.net kakao.com nate.com yahoo.com hotmail.com "
    "outlook.com icloud.com proton.me protonmail.com korea.kr"
)


def _squash(s: str) -> str:
    """Lower-case alphanumerics only: "META-X" and "metax" compare equal."""
    return "".join(ch for ch in s.casefold() if ch.isalnum())


def _domain_outlet(domain: str) -> str | None:
    """A readable outlet name for a known domain (www./subdomains ignored), else None."""
    d = domain.lower().strip(".")
    for name, domains in _KNOWN_OUTLETS.items():
        if any(d == k or d.endswith("." + k) for k in domains):
            return name
    return None


@cache
def _squashed_outlets() -> tuple[tuple[str, str], ...]:
    return tuple((n, q) for n in _KNOWN_OUTLETS if len(q := _squash(n)) >= 3)


def _gazetteer_name(s: str) -> str | None:
    """The longest known outlet name occurring in ``s`` (spaces ignored), else None."""
    squashed = _squash(s)
    hits = [n for n, q in _squashed_outlets() if q in squashed]
    return max(hits, key=len) if hits else None


# --------------------------------------------------------------------------------------------
# Line patterns (each applied to one stripped line of at most _SHORT characters)


_TERMINAL = re.compile(
    r"(?:다|요|죠|까|오|음|함|임|됨)[.!?]?[\"'”’」』)\]]*$|[.!?][\"'”’」』)\]]*$"
)
_KO_SENT_END = re.compile(r"(?:다|요|죠|까)[.!?][\"'”’)]*(?=\s|$)")
_TICKER_NAMES = (
    r"(?:코스피|코스닥|코스피\s?200|KOSPI|KOSDAQ|나스닥|NASDAQ|Nasdaq|다우|다우존스|Dow|Dow Jones|"
    r"S&P\s?500|니케이|닛케이|Nikkei|상해종합|원/달러|원·달러|달러/원|환율|비트코인|이더리움|"
    r"국제유가|WTI|금값|Bitcoin|BTC|ETH)"
)
_NUM = r"[\(\[]?\s?[▲▼△▽+\-−↑↓]?\s?\d[\d,]*(?:\.\d+)?\s?%?\s?[\)\]]?"
_TICKER = re.compile(rf"^(?:{_TICKER_NAMES}|{_NUM}|{_TICKER_NAMES}(?:\s+{_NUM}){{1,4}})$")
_COPYRIGHT = re.compile(
    r"ⓒ|©|\bCopyright\b|\(c\)\s|저작권자|무단\s?전재|재배포\s?금지|무단\s?배포|All rights reserved",
    re.IGNORECASE,
)
_COPYRIGHT_OPENS = re.compile(r"^\s*[\[(<]?\s*(?:ⓒ|©|\(c\)\s|Copyright\b)", re.IGNORECASE)
"""A line that opens with its copyright mark is the notice, however long it runs on."""
_RIGHTS = re.compile(r"무단|재배포|전재|All rights|Copyright|저작권|금지", re.IGNORECASE)
_EMAIL_AT = re.compile(r"[\w.+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,5}")
_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9-]{2,63}(?:\.[a-z0-9-]{2,63}){1,4})",
                     re.IGNORECASE)
_BULLET = re.compile(r"^[•·∙◦‣▪*-]\s+")
# an enumeration item (never a heading): ▲ A, ① A, • A, ㅇ A, 1) A, 가. A
_ITEM_MARK = re.compile(r"^(?:[▲△•·∙◦‣▪*ㅇ○●-]|[①-⑳]|\(?\d{1,2}\)|\d{1,2}\.(?!\d)|[가-하]\.\s)")
_YEAR = re.compile(r"(?:19|20|１９|２０)\d\d")  # every date rule needs a year: a cheap guard first
_TIME_ONLY = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
                        r"|(?<!\d)\d{1,2}\s?[시時](?:\s?\d{1,2}\s?[분分])?")  # 1時, 3시 10분
_US_DATE = re.compile(r"(?<!\d)(?:1[0-2]|0?[1-9])/(?:3[01]|[12]\d|0?[1-9])/(?:19|20)\d{2}(?!\d)")
_SENT_END = re.compile(r"[.!?](?=[\s\"'”’)\]]|$)")
_ENDS_CLOSED = re.compile(r"[.!?…:。\"'”’」』)\]]$")
_QUOTES = re.compile(r"[\"'“”‘’「」『』]")
# a label glued after the last sentence of a line: "… 시설을 늘렸다. 이용 안내:"
_TRAILING_LABEL = re.compile(r"(?<=[.!?。])\s+(?P<label>[^.!?:\n]{2,40}):$")
# an ALL-CAPS section label opening a paragraph: "NEXT STEPS: The council …"
_CAPS_PREFIX = re.compile(r"^(?P<h>[A-Z][A-Z0-9&'’,\- ]{2,80}[A-Z0-9]):\s+(?=[A-Z\"“‘])")
_MASTHEAD_KO = re.compile(
    r"^[가-힣]{2,8}(?:일보|신문|뉴스|경제|방송|타임스|저널|헤럴드|미디어|데일리)$"
)
_MASTHEAD_EN = re.compile(
    r"^(?:The\s)?(?:[A-Z][\w&'.-]*\s){0,3}(?:Times|Post|News|Herald|Journal|Daily|Tribune|"
    r"Gazette|Chronicle|Guardian|Telegraph|Observer|Monitor|Star|Examiner|Lantern|Courier)$"
)
_MD_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s+|$)")
_MD_QUOTE = re.compile(r"^ {0,3}(?:>\s?)+")
_MD_BULLET = re.compile(r"^\s{0,12}[-*+]\s+")
_MD_HR = re.compile(r"^ {0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
_MD_REFDEF = re.compile(r"^ {0,3}\[[^\]\n]{1,200}\]:\s?\S")
_MD_EMPH = re.compile(r"\*\*|__|~~|`")
_MD_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,500})\]\(([^()\s]{0,2000})(?:\s\"[^\"\n]{0,200}\")?\)")
_MD_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>\n]{0,200})?/?>|<!--[^\n]{0,500}?-->")
_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


# --------------------------------------------------------------------------------------------
# The chrome lexicon: each language's page words (crosscheck/lang/data/<code>.yaml, ``chrome:``)
# compiled into the patterns the line rules use. A page mixes languages (an English credit on a
# Korean page), so every rule knows every language's words; adding a language's data file adds
# its words here.


def _entry_rx(word: str) -> str:
    """One data entry as a regex: a space matches optional whitespace (기사 입력, 기사입력)."""
    return r"\s?".join(re.escape(part) for part in word.split())


def _alt(words: Iterable[str]) -> str:
    """A non-capturing alternation of entries, longest first; never matches when empty."""
    rxs = sorted({_entry_rx(w) for w in words if w.strip()}, key=lambda r: (-len(r), r))
    return f"(?:{'|'.join(rxs)})" if rxs else r"(?!x)x"


@dataclass(frozen=True)
class _Lex:
    """The compiled chrome patterns (see :func:`_lex`)."""

    date_labels: re.Pattern[str]
    publish_label: re.Pattern[str]
    date_prefix: re.Pattern[str]
    byline_part: re.Pattern[str]
    by_line: re.Pattern[str]
    by_word: str
    byline_tail: re.Pattern[str]
    byline_handover: re.Pattern[str]
    byline_words: re.Pattern[str]
    bracket_prefix: re.Pattern[str]
    bracket_close: re.Pattern[str]
    wire_ko: re.Pattern[str]
    wire_en: re.Pattern[str]
    dateline_line: re.Pattern[str]
    credit_line: re.Pattern[str]
    credit_inline: re.Pattern[str]
    credit_phrase_line: re.Pattern[str]
    credit_phrase_tail: re.Pattern[str]
    caption_tail: re.Pattern[str]
    caption_strong: re.Pattern[str]
    caption_en: re.Pattern[str]
    speaker: re.Pattern[str]
    speaker_prefix: re.Pattern[str]
    heading_cue: re.Pattern[str]
    site_self: re.Pattern[str]
    site_meta: re.Pattern[str]
    site_lead: re.Pattern[str]
    site_sentence: re.Pattern[str]
    ui_suffix: re.Pattern[str]
    small_words: frozenset[str]
    nav_share: frozenset[str]
    nav_search: frozenset[str]
    nav_button: frozenset[str]
    nav_words: frozenset[str]
    section_blocks: frozenset[str]
    nav_phrases: frozenset[str]  # whole lines of page furniture (Skip to main content)
    related_heading: re.Pattern[str]  # the data's ``related_headings`` (관련 기사 …)
    most_read_heading: re.Pattern[str]
    most_read_anywhere: re.Pattern[str]
    subscribe: re.Pattern[str]
    service: re.Pattern[str]
    caption_mark: re.Pattern[str]  # a caption's opening mark or its closing shape


@cache
def _lex() -> _Lex:
    """Compile the chrome lexicon of every registered language once per process."""
    langs = lang.all_languages()

    def words(key: str, spaced: bool | None = None) -> list[str]:
        return [w for lg in langs if spaced is None or lg.spaced == spaced for w in lg.chrome(key)]

    def alt(key: str) -> str:
        """Case-insensitive (with word boundaries) for spaced languages, exact otherwise."""
        parts = []
        spaced = words(key, True)
        if spaced:
            parts.append(rf"(?i:(?<!\w){_alt(spaced)}(?!\w))")
        glued = words(key, False)
        if glued:
            parts.append(_alt(glued))
        return "(?:" + "|".join(parts) + ")" if parts else r"(?!x)x"

    def patterns(key: str) -> str:
        """The data's regular expressions under ``key``, as more alternatives (``|…``)."""
        return "".join(f"|(?i:{p})" for p in words(key))

    def folded(key: str) -> frozenset[str]:
        return frozenset(w.casefold() for w in words(key))

    name = "(?:" + "|".join(f"(?:{p})" for p in words("name_pattern")) + ")"
    byword, roles, desks = alt("byline_words"), alt("byline_roles"), _alt(words("byline_desks"))
    email = r"[\w.+-]{1,64}@[\w.-]{1,100}"
    credit, after, before = alt("credit_words"), alt("credit_after"), alt("credit_before")
    agencies = alt("agencies")
    photo = alt("photo_words")
    wire_caps = "|".join(re.escape(w.upper()) for w in words("agencies") if w.isascii()) or "(?!x)x"
    speaker = "|".join(r"\s?".join(map(re.escape, w.replace(" ", ""))) for w in
                       words("speaker_labels"))
    sp_prefix = "|".join(r"\s?".join(map(re.escape, w.replace(" ", ""))) for w in
                         words("speaker_prefixes"))
    months = _alt([k for lg in langs for k in lg.table("months")])
    joiners = _alt(words("name_joiners"))
    cap = r"[A-Z][\w'.\-]*"
    by_name = rf"{cap}(?:\s+(?:{cap}|{joiners}))*"
    byline = rf"{name}\s?(?:{roles})?\s?{byword}(?:\s?{email})?"
    phrases = alt("credit_phrases")
    self_, meta = alt("site_self"), alt("site_meta")
    return _Lex(
        date_labels=re.compile(alt("date_labels")),
        publish_label=re.compile(rf"{alt('publish_labels')}\s?:?\s?$"),
        date_prefix=re.compile(rf"^\s{{0,8}}{alt('date_prefix_labels')}\s{{0,3}}:?\s{{0,3}}"),
        byline_part=re.compile(
            rf"^(?:[^\W\d_]{{1,10}}\s?=\s?)?(?:\w{{1,8}}{desks}\s)?(?P<name>{name})\s?"
            rf"(?:{roles})?\s?{byword}(?:\s?{email})?$"),
        by_line=re.compile(rf"^{alt('byline_by')}\s+(?P<name>{by_name}"
                           rf"(?:\s*,\s*{by_name})*)\s*$"),
        by_word=alt("byline_by"),
        byline_tail=re.compile(rf"(?<=[.!?”\"’」』])\s*(?P<b>{byline})$"),
        byline_handover=re.compile(rf"^(?P<name>{name})\s?(?:{roles})?\s?{byword}{alt('byline_copula')}"
                                   r"\.?$"),
        byline_words=re.compile(byword),
        bracket_prefix=re.compile(r"^[\[【]\s?(?P<inner>[^\[\]【】\n]{1,40}?)\s?[\]】]\s?(?=\S)"),
        bracket_close=re.compile(rf"^(?P<inner>[^\[\]【】\n]{{1,40}}?{byword})\s?[\]】]\s?(?=\S)"),
        wire_ko=re.compile(
            rf"^\s{{0,8}}(?:\((?P<place>[^\W\d_]{{1,10}})=(?P<outlet>[^()=\s][^()=]{{0,14}})\)\s?)?"
            rf"(?:(?P<name>{name})\s?{byword}\s?=\s?)?"),
        wire_en=re.compile(
            rf"^\s{{0,8}}(?P<place>[A-Z][\w.'-]+(?:[ /][A-Z][\w.'-]+){{0,3}})"
            rf"(?:,\s?(?P<date>(?i:{months})\.?\s\d{{1,2}}(?:,\s?(?:19|20)\d\d)?))?\s?"
            r"(?:\((?P<outlet>[A-Za-z][A-Za-z .&]{0,29})\))?\s?(?:--|[-—–])\s?(?=\S)"),
        dateline_line=re.compile(
            rf"^[A-Z][\w.'-]+(?:[ /][A-Z][\w.'-]+){{0,3}},\s?(?i:{months})\.?\s\d{{1,2}}"
            r"(?:,\s?(?:19|20)\d\d)?(?:\s?\([A-Za-z .&]{1,30}\))?$"),
        credit_line=re.compile(
            rf"^[\[(<]?\s?{credit}\s?(?:{after})?\s?[=:/]\s?[^\n]{{1,50}}?[\])>]?$"),
        credit_inline=re.compile(
            rf"[(\[<]\s?{credit}\s?(?:{after})?\s?[=:]\s?[^()\[\]<>\n]{{1,40}}[)\]>]"),
        credit_phrase_line=re.compile(rf"^\(?\s?{phrases}\s[^()\n]{{1,80}}\)?$"),
        credit_phrase_tail=re.compile(rf"(?<=[.!?”\"’])\s*\(\s?{phrases}\s[^()\n]{{1,80}}\)$"),
        caption_tail=re.compile(
            rf"(?:[.…]|/)\s?(?:{agencies}|\S{{1,12}}\s{after})$"),
        caption_strong=re.compile(
            rf"(?:/\s?(?:{before}\s?[^/\n]{{1,40}}|{agencies}|{name}\s?(?:{roles})?\s?{byword})"
            rf"|(?<=[.…])\s?(?:{before}\s[^/\n.]{{1,40}}|[ⓒ©]\s?[^\s.]{{1,20}})"
            rf"|(?<=[.…!?\"”])\s?{credit}\s?(?:{after})?\s?[=:]\s?[^\s=:]{{1,25}}(?:\s[^\s=:]{{1,15}})?"
            rf"|(?<=[.…!?\"”])\s?[(\[][^()\[\]\n]{{0,15}}{alt('credit_tails')}[)\]]"
            r"|(?<=[.…!?\"”])\s?\[[A-Z][A-Z0-9 .&/'-]{2,40}\])$"),
        caption_en=re.compile(
            rf"\({photo}\s?(?:by|:)\s[^()]{{1,60}}\)$|^{photo}\s?(?:by|:)\s"
            rf"|[.!?]\s{photo}\s?(?:by|:)\s[^.]{{1,60}}$|\b(?:{wire_caps})/[A-Z]"),
        speaker=re.compile(
            rf"^[<\[【(◀〈]\s*(?:{speaker}|{name}\s?(?:{speaker})|{name}\s?/\s?[^\[\]<>【】/]{{1,25}})"
            r"\s*[>\]】)▶〉]$"),
        speaker_prefix=re.compile(rf"^[\[【◀〈<]\s?(?:{sp_prefix})\s?[\]】▶〉>]\s*"),
        heading_cue=re.compile(
            r"^(?:[\[(]?(?:[IVXLC]{1,5}|\d{1,2}|[^\W\d_])[.)\]]\s?|[□■◆◇○●▶▷◎#*-]\s?)?"
            rf"{alt('heading_words')}\s?[:?]?$"),
        site_self=re.compile(self_),
        site_meta=re.compile(meta),
        site_lead=re.compile(rf"^\s?{alt('site_lead')}"),
        site_sentence=re.compile(
            rf"(?:^|(?<=[.!?]))\s*(?P<n>{alt('site_lead')}[^.!?\n]{{0,100}}?{meta}"
            r"[^.!?\n]{0,30}[.!?:])"),
        ui_suffix=re.compile(rf"(?i:{_alt(words('ui_suffixes'))})$"),
        small_words=folded("heading_small_words"),
        nav_share=folded("nav_share"),
        nav_search=folded("nav_search"),
        nav_button=folded("nav_button"),
        nav_words=folded("nav_words"),
        section_blocks=folded("nav_section_blocks"),
        nav_phrases=folded("nav_phrases"),
        related_heading=re.compile(
            rf"^(?:{alt('related_headings')}{patterns('related_heading_patterns')})\s?:?$"),
        most_read_heading=re.compile(
            rf"^(?:{alt('most_read_headings')}{patterns('most_read_heading_patterns')})\s?:?$"),
        most_read_anywhere=re.compile(alt("most_read_anywhere")),
        subscribe=re.compile(alt("subscribe_words")),
        service=re.compile(alt("service_words")),
        caption_mark=re.compile(
            "|".join([rf"^{alt('caption_marks')}",
                      *(f"(?:{p})" for p in words("caption_pattern"))])),
    )



def _is_sentence(s: str) -> bool:
    """True when a stripped line reads as a sentence (Korean predicate ending or ./!/?)."""
    if _KO_SENT_END.search(s[-12:] + " "):
        return True
    return len(s.split()) >= 6 and bool(re.search(r"[.!?][\"'”’)]*$", s[-6:]))


def _is_substantial(s: str) -> bool:
    """A line long and sentence-like enough to end a related/most-read block."""
    return (len(s) >= 40 and _is_sentence(s)) or len(s) >= 120


def _nav_reason(s: str) -> str | None:
    """share / search / button / nav when every token of a short line is a UI word."""
    if len(s) > 60:
        return None
    crumbs = [c.strip() for c in re.split(r"\s[>›»]\s", s)]
    if len(crumbs) >= 2 and all(0 < len(c) <= 12 and not _TERMINAL.search(c) for c in crumbs):
        return "nav"  # a breadcrumb: 홈 > 경제 > 산업
    lex = _lex()
    if re.sub(r"\s+", " ", s.casefold()).strip(" .:|") in lex.nav_phrases:
        return "nav"  # Skip to main content, Advertisement, 본문 바로가기
    toks = [t for t in re.split(r"[\s·|/>›»,:()\[\]]+", s.casefold()) if t]
    if not toks:
        return "nav" if s.strip("-+|/·•") == "" else None
    vocab = lex.nav_share | lex.nav_search | lex.nav_button | lex.nav_words
    if not all(t in vocab or t in "-+" for t in toks):
        return None
    if (any(t in lex.nav_share for t in toks) and len(toks) > 1) or (
            toks[0] in lex.nav_share and toks[0] != "x"):
        return "share"
    if any(t in lex.nav_search for t in toks):
        return "search"
    if any(t in lex.nav_button for t in toks):
        return "button"
    return "nav"


def _copyright_name(s: str) -> str | None:
    """The outlet named by a copyright line: "[ⓒ META-X. 무단전재…]" -> "META-X"."""
    m = re.search(r"ⓒ|©|\(c\)|Copyright|저작권자", s, re.IGNORECASE)
    if not m:
        return None
    rest = s[m.end():]
    rest = re.sub(r"^\s*(?:ⓒ|©|\(c\)|Copyright)", "", rest, flags=re.IGNORECASE)
    cut = re.search(r"무단|재배포|All rights|\.\s|[|\]>]|$", rest, re.IGNORECASE)
    rest = rest[: cut.start()] if cut else rest
    rest = rest.split(",")[-1]
    rest = re.sub(r"\((?:www\.|https?://)[^)]{0,100}\)|(?:www\.|https?://)\S{1,100}", "", rest)
    rest = re.sub(r"(?<!\w)(?:19|20)\d{2}(?:\s?[-–]\s?(?:19|20)\d{2})?(?!\w)|㈜|\(주\)|주식회사|"
                  r"\b(?:Inc|Ltd|LLC|Co|Corp)\.?", "", rest)
    name = rest.strip(" .:-–—[]<>()'\"\t")
    if not (1 <= len(name) <= 40) or not any(ch.isalpha() for ch in name):
        return None
    return name


@dataclass
class _Line:
    """One non-blank line: offsets of its stripped content and what was decided about it."""

    start: int
    end: int
    s: str
    reason: str | None = None
    block: str | None = None  # reason of a related / most-read block this line starts


@dataclass
class _Scan:
    """Working state of one chrome scan: removed spans and metadata candidates."""

    spans: list[Removed] = field(default_factory=list)
    cands: list[tuple[str, int, MetaValue]] = field(default_factory=list)
    outlets: tuple[str, ...] = ()  # names the article is known by (front matter, copyright)

    def meta(self, name: str, priority: int, value: str, source: str,
             start: int | None = None, end: int | None = None) -> None:
        """Record a metadata candidate; the highest priority (then the earliest) wins."""
        value = value.strip()
        if value:
            self.cands.append((name, priority, MetaValue(value, source, start, end)))


def _iter_lines(text: str, start: int = 0) -> Iterator[_Line]:
    """Non-blank lines of ``text[start:]`` with offsets of their stripped content."""
    pos = start
    for raw in text[start:].splitlines(keepends=True):
        content = raw.rstrip(_LINE_BREAKS)
        s = content.strip()
        if s:
            lead = len(content) - len(content.lstrip())
            yield _Line(pos + lead, pos + lead + len(s), s)
        pos += len(raw)


# Priorities of metadata sources (higher wins).
_P_FRONT, _P_HTML, _P_COPY, _P_MAST, _P_LINE, _P_WIRE, _P_EMAIL, _P_FOOT, _P_FIRST = (
    100, 90, 80, 70, 65, 60, 50, 40, 30)


def _classify(ln: _Line, scan: _Scan, head: bool) -> None:
    """Decide whether one short line is chrome, recording metadata found in it."""
    s = ln.s
    lex = _lex()
    if s.startswith("![") and "](" in s and s.rstrip(" |").endswith(")"):
        ln.reason = "image"
        return
    if lex.speaker.match(s):
        ln.reason = "speaker_label"
        return
    if _TICKER.match(s):
        ln.reason = "ticker"
        return
    if _COPYRIGHT.search(s) and (not (_is_sentence(s) and len(s) > 150)
                                 or _COPYRIGHT_OPENS.match(s)):
        ln.reason = "copyright"
        name = _copyright_name(s) if _RIGHTS.search(s) or s[:1] in "[<(" else None
        if name:
            scan.meta("outlet", _P_COPY, name, "copyright_line", ln.start, ln.end)
            for dm in _DOMAIN.finditer(s):
                if "." in dm.group(1) and not dm.group(1)[0].isdigit():
                    scan.meta("domain_map", 0, f"{dm.group(1).lower()}\t{name}", "copyright_line")
        return
    if (lex.most_read_anywhere.search(s) and not _is_sentence(s[-30:])) \
            or lex.most_read_heading.match(s):
        ln.reason = ln.block = "most_read"
        return
    if lex.most_read_anywhere.search(s) and len(s) < 120:
        ln.reason = "most_read"
        return
    if lex.related_heading.match(s):
        ln.reason = ln.block = "related"
        return
    u = _unbullet(s)
    if _dateline(ln, scan):
        return
    if _byline(u, ln, scan):
        return
    if _EMAIL_AT.fullmatch(u.strip(" <>()[]")):
        _emails(s, scan, ln)  # a reporter's address on a line of its own: the byline's end
        ln.reason = "byline"
        return
    if lex.byline_handover.match(u) or lex.credit_phrase_line.match(u):
        ln.reason = "byline"
        m = lex.byline_handover.match(u)
        if m:
            scan.meta("byline", _P_LINE - 1, m.group("name"), "byline_line", ln.start, ln.end)
        return
    if lex.credit_line.match(s) or (len(s) <= 120 and (lex.caption_tail.search(s) or
                                                       lex.caption_en.search(s)
                                                       or lex.caption_mark.search(s))):
        ln.reason = "photo_credit" if lex.credit_line.match(s) else "photo_caption"
        return
    if len(u) <= 60 and lex.heading_cue.match(u):
        ln.reason = "heading"
        return
    nav = _nav_reason(u)
    if nav:
        ln.reason = nav
        if u.casefold() in lex.section_blocks:
            ln.block = "nav"
        return
    if len(s) <= 40 and not _is_sentence(s) and lex.ui_suffix.search(s):
        ln.reason = "nav"
        return
    if len(s) <= 80 and lex.subscribe.search(s) and not _is_sentence(s):
        ln.reason = "subscription"
        return
    if len(s) <= 30 and lex.service.search(s) and not _is_sentence(s):
        ln.reason = "customer_service"
        return
    if head and len(s) <= 24 and (_MASTHEAD_KO.match(s) or _MASTHEAD_EN.match(s)
                                  or (_gazetteer_name(s) and _squash(_gazetteer_name(s) or "")
                                      == _squash(s))):
        ln.reason = "masthead"
        scan.meta("outlet", _P_MAST, _gazetteer_name(s) or s, "masthead", ln.start, ln.end)


def _emails(s: str, scan: _Scan, ln: _Line) -> None:
    """Record the domains of e-mail addresses in a short line."""
    for m in _EMAIL_AT.finditer(s):
        domain = m.group(0).split("@", 1)[1].lower()
        if domain not in _WEBMAIL:
            scan.meta("email_domain", 0, domain, "email_domain",
                      ln.start + m.start(), ln.start + m.end())


def _date_residual(s: str, dates: Iterable[tuple[int, int]]) -> str:
    """What is left of a short string without its dates, times, e-mail addresses, date labels
    and separators."""
    residual = s
    for a, b in sorted(dates, reverse=True):
        residual = residual[:a] + " " + residual[b:]
    residual = _EMAIL_AT.sub(" ", residual)
    residual = _TIME_ONLY.sub(" ", residual.translate(_FULLWIDTH_DIGITS))
    residual = _lex().date_labels.sub(" ", residual)
    return re.sub(r"[\s|:·,()\[\]/\-–—~.（）｜：、]+", " ", residual).strip()


def _dateline(ln: _Line, scan: _Scan) -> bool:
    """A line of dates, times, their labels and e-mail addresses: a timestamp (입력 2025-03-03
    10:20 | 수정 …, Published: 04 Mar. 2026, 2026.03.04. 오전 10:15.), also with a section or
    issuer word (2026-03-04 10:15 사회) or as cells (3/4/2026 | Press release | …); with a
    byline, a byline. A place and its date ("Seoul, Dec 7") is a dateline."""
    off = len(ln.s) - len(_unbullet(ln.s))
    s = ln.s[off:]
    if len(s) > 160:
        return False
    lex = _lex()
    if not _YEAR.search(s):
        if lex.dateline_line.match(s):
            ln.reason = "dateline"
            return True
        return False
    if lex.dateline_line.match(s):
        ln.reason = "dateline"
        return True
    dates = _find_dates(s)
    us = [m.span() for m in _US_DATE.finditer(s)]
    if not dates and not us:
        return False
    residual = _date_residual(s, [*((a, b) for a, b, _ in dates), *us])
    unby = re.sub(rf"^{lex.by_word}\s+", "", residual)
    byline = bool(residual) and bool(lex.byline_part.match(unby) or lex.by_line.match(residual))
    if residual and not byline:
        cells = [c.strip() for c in s.split("|") if c.strip()]
        celled = len(cells) >= 2 and all(
            _find_dates(c) or _US_DATE.search(c) or (len(c.split()) <= 4 and not _is_sentence(c))
            for c in cells)
        short = (len(residual.split()) <= 2 and len(residual) <= 24 and not _is_sentence(s)
                 and not re.search(r"\d", residual) and not _statements([residual])[0])
        if not (celled or short):
            return False
    if dates:
        pick = dates[0]
        for d in dates:
            if lex.publish_label.search(s[: d[0]]):
                pick = d
                break
        scan.meta("published", _P_LINE, pick[2], "dateline", ln.start + off + pick[0],
                  ln.start + off + pick[1])
    _emails(s, scan, ln)
    if byline:
        _byline(unby, ln, scan, whole=False)
        ln.reason = "byline"
    else:
        ln.reason = "timestamp"
    return True


def _byline(s: str, ln: _Line, scan: _Scan, whole: bool = True) -> bool:
    """A byline line: "김철수 기자", "경주=… 기자, 워싱턴=… 특파원", "By Jane Doe"."""
    if len(s) > 120:
        return False
    lex = _lex()
    names: list[str] = []
    m_en = lex.by_line.match(s)
    if m_en:
        names.append(m_en.group("name"))
    else:
        for part in re.split(r"\s?[,·/]\s?", s):
            m = lex.byline_part.match(part.strip())
            if not m:
                return False
            names.append(m.group("name"))
    if not names:
        return False
    scan.meta("byline", _P_LINE, ", ".join(names), "byline_line", ln.start, ln.end)
    _emails(ln.s, scan, ln)
    if whole:
        ln.reason = "byline"
    return True


def _is_menu_token(s: str) -> bool:
    """A single short token with no sentence punctuation (a menu entry)."""
    return len(s) <= 10 and " " not in s and not _TERMINAL.search(s)


def _line_prefix(s: str, base: int, scan: _Scan) -> None:
    """Bylines, wire datelines and section labels glued before a line's first sentence:
    "[Harbor Wire= Tom Reed] …", "[한빛경제ㅣ박하늘 기자] …", "(부산=한빛통신) 김철수 기자 = …",
    "김철수 기자 = …", "MILLBROOK -- …", "MILLBROOK (Harbor Wire) - …", "NEXT STEPS: …"."""
    lex = _lex()
    spans = scan.spans
    pos = 0
    b = lex.bracket_prefix.match(s)
    if not (b and _bracket_byline(b.group("inner"), _outlet_keys(scan.outlets))):
        b = lex.bracket_close.match(s)  # "… 기자] 본문": the bracket opened on a line above
    if b and len(s) - b.end() >= 15:
        end = s.rindex("]", 0, b.end()) + 1 if "]" in s[: b.end()] else b.end()
        spans.append(Removed(base, base + end, "byline"))
        name = _bracket_name(b.group("inner"))
        if name:
            scan.meta("byline", _P_LINE - 1, name, "byline_line", base, base + end)
        pos = b.end()
    rest = s[pos:pos + 160]
    w = lex.wire_ko.match(rest)
    if w and w.end() > 0 and (w.group("place") or w.group("name")) and len(s) - pos - w.end() >= 10:
        spans.append(Removed(base + pos, base + pos + len(rest[:w.end()].rstrip()), "dateline"))
        if w.group("outlet"):
            outlet = w.group("outlet").strip()
            scan.meta("outlet", _P_WIRE, _gazetteer_name(outlet) or outlet, "dateline",
                      base + pos + w.start("outlet"), base + pos + w.end("outlet"))
        if w.group("name"):
            scan.meta("byline", _P_LINE - 1, w.group("name"), "dateline")
        return
    w = lex.wire_en.match(rest)
    if w:
        place = w.group("place")
        caps = place.upper() == place and sum(ch.isalpha() for ch in place) >= 3
        if caps or w.group("date") or w.group("outlet"):
            spans.append(Removed(base + pos, base + pos + len(rest[:w.end()].rstrip()),
                                 "dateline"))
            if w.group("outlet"):
                outlet = w.group("outlet").strip()
                scan.meta("outlet", _P_WIRE, _gazetteer_name(outlet) or outlet, "dateline",
                          base + pos + w.start("outlet"), base + pos + w.end("outlet"))
            return
    c = _CAPS_PREFIX.match(rest)
    if c and len(c.group("h").split()) >= 2:
        spans.append(Removed(base + pos, base + pos + c.end("h") + 1, "heading"))


def _line_tail(s: str, base: int, scan: _Scan, ln: _Line) -> None:
    """Chrome glued after a line's last sentence: a photo credit ("… / Courtesy of Tom Reed"), a
    byline ("…밝혔다.김철수 기자"), a sourcing credit ("(Reporting by …)"), a label that
    introduces the next line ("… 정비. AI 인재 프로그램:"), a timestamp."""
    lex = _lex()
    spans = scan.spans
    off = max(0, len(s) - 160)
    m = lex.caption_strong.search(s, off)
    if m:
        a = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        spans.append(Removed(base + a, base + len(s), "photo_credit"))
        return
    m = lex.byline_tail.search(s, off)
    if m:
        spans.append(Removed(base + m.start("b"), base + len(s), "byline"))
        bm = lex.byline_part.match(m.group("b"))
        if bm:
            scan.meta("byline", _P_LINE - 1, bm.group("name"), "byline_line", base + m.start("b"),
                      base + len(s))
        return
    m = lex.credit_phrase_tail.search(s, off)
    if m:
        a = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        spans.append(Removed(base + a, base + len(s), "byline"))
        return
    m = _TRAILING_LABEL.search(s, off)
    if m and not _statements([m.group("label")])[0] and (
            not lang.for_text(m.group("label")).spaced or _english_heading(m.group("label"),
                                                                           lex)):
        spans.append(Removed(base + m.start("label"), base + len(s), "heading"))
        return
    _timestamp_tail(s, base, scan, ln)


def _inline(ln: _Line, text: str, fmt: str, scan: _Scan, first_body: bool) -> None:
    """Spans inside a kept line: date/wire/byline prefixes and tails, speaker prefixes,
    credits, site notes inside a paragraph, markup."""
    s = text[ln.start:ln.end]
    base = ln.start
    spans = scan.spans
    lex = _lex()
    if first_body:
        m = lex.date_prefix.match(s)
        if m:
            dates = _find_dates(s[m.end(): m.end() + 40])
            if dates and dates[0][0] == 0:
                end = m.end() + dates[0][1]
                scan.meta("published", _P_LINE, dates[0][2], "dateline", base + m.end(),
                          base + end)
                spans.append(Removed(base, base + end, "dateline"))
    _line_prefix(s, base, scan)
    m = lex.speaker_prefix.match(s)
    if m:
        spans.append(Removed(base, base + m.end(), "speaker_label"))
    credit_at = s.find("사진") if "사진" in s else -1
    if credit_at >= 0 or "(Photo" in s or "제공" in s or "자료" in s or "출처" in s:
        credits = list(lex.credit_inline.finditer(s))
        if credits:
            rest = "".join(s[a:b] for a, b in zip(
                [0, *(c.end() for c in credits)], [*(c.start() for c in credits), len(s)],
                strict=True)) if len(s) <= _SHORT else s
            if len(rest.strip()) <= 150 and len(_KO_SENT_END.findall(rest)) <= 1 \
                    and rest.count(". ") <= 1:
                ln.reason = "photo_caption"
                spans.append(Removed(ln.start, ln.end, "photo_caption"))
                return
            for c in credits:
                spans.append(Removed(base + c.start(), base + c.end(), "photo_credit"))
    _line_tail(s, base, scan, ln)
    if len(s) <= 50_000:
        for sm in lex.site_sentence.finditer(s):
            spans.append(Removed(base + sm.start("n"), base + sm.end("n"), "site_note"))
    if "](" in s:
        for lk in _MD_LINK.finditer(s):
            if lk.group(1):  # inline image
                spans.append(Removed(base + lk.start(), base + lk.end(), "image"))
            else:
                spans.append(Removed(base + lk.start(), base + lk.start() + 1, "markup"))
                spans.append(Removed(base + lk.end(2), base + lk.end(), "markup"))
    if fmt != "md":
        return
    line_start = text.rfind("\n", 0, ln.start) + 1
    raw = text[line_start:ln.end]
    for rx in (_MD_QUOTE, _MD_HEADING, _MD_BULLET):
        m = rx.match(raw)
        if m and m.end() > 0:
            spans.append(Removed(line_start, line_start + m.end(), "markup"))
            raw_off = m.end()
            raw = raw[raw_off:]
            line_start += raw_off
    if _MD_HEADING.match(text[text.rfind("\n", 0, ln.start) + 1:ln.end]):
        closing = re.search(r"\s#+$", s)
        if closing:
            spans.append(Removed(base + closing.start(), ln.end, "markup"))
    for m in _MD_EMPH.finditer(s):
        spans.append(Removed(base + m.start(), base + m.end(), "markup"))
    if "<" in s:
        for m in _MD_TAG.finditer(s):
            spans.append(Removed(base + m.start(), base + m.end(), "markup"))


def _unbullet(s: str) -> str:
    """A line without its leading bullet (• 김철수 기자, - 입력 2025-…)."""
    return _BULLET.sub("", s, count=1)


def _reads_as_body(s: str) -> bool:
    """A line of running text: a sentence, or a long line."""
    return _is_sentence(s) or len(s) >= 120


def _sentence_count(s: str) -> int:
    """Sentence ends (./!/? before a space or the end) in a short string."""
    return len(_SENT_END.findall(s.strip()))


def _statements(texts: Sequence[str]) -> list[bool]:
    """Which short lines read as statements (a finite predicate or sentence punctuation),
    each asked of its own language (kiwi for Korean)."""
    groups: dict[str, tuple[Language, list[str]]] = {}
    for t in dict.fromkeys(texts):  # pages repeat their labels: each text asked once
        lg = lang.for_text(t)
        groups.setdefault(lg.code, (lg, []))[1].append(t)
    got: dict[str, bool] = {}
    for lg, group in groups.values():
        got.update(zip(group, lg.statements(group), strict=True))
    return [got[t] for t in texts]


def _caption(s: str) -> str | None:
    """"photo_caption" for a line that ends in an explicit photo credit after at most two
    sentences: "… 테이프를 자르고 있다. 사진=한빛통신", "… on Tuesday. / Courtesy of Tom Reed",
    "… 인사하고 있다. /박하늘 기자", "… in Millbrook. [POOL PHOTO]", "… 도서관 전경. ⓒ 한빛시"."""
    if len(s) > 2 * _SHORT:
        return None
    off = max(0, len(s) - 160)
    m = _lex().caption_strong.search(s, off)
    if not m:
        return None
    rest = s[: m.start()].strip()
    rights = ("ⓒ" in m.group(0) or "©" in m.group(0)) and _RIGHTS.search(s)
    if not rest or len(rest) > 350 or _sentence_count(rest) > 2 or rights:
        return None
    return "photo_caption"


def _outlet_keys(names: Iterable[str]) -> set[str]:
    """Squashed forms of known outlet names, with and without their parenthetical
    ("Millbrook Ledger (via a reprint site)" -> millbrookledger, viaareprintsite)."""
    keys: set[str] = set()
    for name in names:
        keys.add(_squash(name))
        keys.add(_squash(re.sub(r"\([^()]*\)", "", name)))
        keys.update(_squash(p) for p in re.findall(r"\(([^()]*)\)", name))
    return {k for k in keys if len(k) >= 3}


def _bracket_byline(inner: str, outlets: set[str]) -> bool:
    """Is ``[inner]`` before a paragraph a byline or an outlet tag ([Harbor Wire= Tom Reed],
    [한빛경제ㅣ박하늘 기자], [한빛일보]) rather than a label of the story ([속보], [종합])?"""
    inner = inner.strip()
    if "=" in inner or _lex().byline_words.search(inner):
        return True
    q = _squash(inner)
    gname = _gazetteer_name(inner)
    return bool(q) and bool(_MASTHEAD_KO.match(inner) or _MASTHEAD_EN.match(inner)
                            or q in outlets or (gname and _squash(gname) == q))


def _bracket_name(inner: str) -> str | None:
    """The reporter named in a bracketed byline: the last part, without the byline word."""
    part = re.split(r"[=ㅣ|/·]", inner)[-1].strip()
    m = _lex().byline_part.match(part)
    if m:
        return m.group("name")
    return part if "=" in inner and 0 < len(part.split()) <= 3 else None


def _english_heading(s: str, lex: _Lex) -> bool:
    """An English line shaped like a heading: Title Case or ALL CAPS, a short question, or a
    short sentence-case phrase that ends in a content word ("Timeline of the
    repairs"); a colon-ended line only in Title Case or capitals (not "He said:")."""
    words = re.findall(r"[^\W_][\w'’.&-]*", s)
    if not words:
        return False
    caps = s.upper() == s and any(ch.isalpha() for ch in s)
    content = [w for w in words if w.casefold() not in lex.small_words]
    title = bool(content) and all(w[0].isupper() or w[0].isdigit() for w in content)
    if caps or title:
        return True
    if s.endswith(":"):
        return False
    if s.endswith("?"):
        return len(words) <= 8
    return (len(words) <= 8 and words[0][0].isupper() and not re.search(r"\d", s)
            and words[-1].casefold() not in lex.small_words)


def _heading_shape(s: str) -> bool:
    """Short, not an enumeration item, not cut off or continued (no final comma or dash)."""
    return (len(s) <= 80 and len(s.split()) <= 12 and not _ITEM_MARK.match(s)
            and not s.endswith((",", ";", "…", "-", "·", "、", "."))
            and s[0] not in "”’」』)]")


def _structure(lines: list[_Line], scan: _Scan) -> None:
    """Whole-line decisions that need the page around a line.

    The *head* is what comes before the first line of running text (title, decks, page
    labels); the *body* runs from there on. In the head: short labels without a predicate
    (본문 영역, Site Map), the outlet's own name, a list of three or more bulleted headlines
    above the story's own, and repeats of the title go; the title and decks stay (they
    state the story). Anywhere: a site note (a line about the page itself) in the
    head, as the last line, or opening with its cue (다음은 … 전문, This is a breaking news
    story…); an exact repeat of a non-sentence line. In the body: a section heading — a short
    line without a predicate (or a short question) standing between running text and the
    paragraph it introduces.
    """
    lex = _lex()
    kept = [(i, ln) for i, ln in enumerate(lines) if ln.reason is None]
    if not kept:
        return

    def site_cues(s: str) -> bool:
        return len(s) <= 2 * _SHORT and bool(lex.site_self.search(s)) and bool(
            lex.site_meta.search(s))

    first = next((k for k, (_, ln) in enumerate(kept)
                  if _reads_as_body(ln.s) and not site_cues(ln.s)), len(kept))
    for k, (_, ln) in enumerate(kept):
        if site_cues(ln.s) and _sentence_count(ln.s) <= 3 and (
                k < first or k == len(kept) - 1 or lex.site_lead.match(ln.s)):
            ln.reason = "site_note"
    # repeats of a non-sentence line (the headline printed twice, a title over its translation)
    seen: set[str] = set()
    head: list[str] = []
    for k, (_, ln) in enumerate(kept):
        if ln.reason or _reads_as_body(ln.s) or len(ln.s) > 200:
            continue
        q = _squash(ln.s)
        if len(q) < 8:
            continue
        if q in seen or (k < first and any(q in h for h in head[:40])):
            ln.reason = "duplicate"
            continue
        seen.add(q)
        if k < first:
            head.append(q)
    # the head: link lists, the outlet's name, short labels
    head_lines = [ln for _, ln in kept[:first] if ln.reason is None]
    run: list[_Line] = []
    for hl in head_lines:  # headlines of other stories above this one's headline
        if not _BULLET.match(hl.s) or _SENT_END.search(hl.s[-2:]):
            break  # bullets under the headline are its decks
        run.append(hl)
    if len(run) >= 3:
        for r in run:
            r.reason = "related"
    outlets = _outlet_keys(scan.outlets)
    labels: list[_Line] = []
    for hl in head_lines:
        if hl.reason is None and _squash(hl.s) in outlets:
            hl.reason = "masthead"
            scan.meta("outlet", _P_MAST, hl.s, "masthead", hl.start, hl.end)
        elif (hl.reason is None and len(hl.s.split()) <= 2 and len(hl.s) <= 12
              and not re.search(r"\d", hl.s) and not _QUOTES.search(hl.s)):
            labels.append(hl)
    for hl, stated in zip(labels, _statements([hl.s for hl in labels]), strict=True):
        if not stated:
            hl.reason = "nav"
    # the body: section headings
    cands = [k for k in range(first + 1, len(kept))
             if kept[k][1].reason is None and _heading_shape(kept[k][1].s)]
    stated_of = dict(zip(cands, _statements([kept[k][1].s for k in cands]), strict=True))
    for k in cands:
        i, ln = kept[k]
        s = ln.s
        question = s.endswith(("?", "？")) and len(s.split()) <= 8 and not _QUOTES.search(s)
        if stated_of[k] and not question:
            continue
        lg = lang.for_text(s)
        if lg.spaced and not _english_heading(s, lex):
            continue
        if i + 1 < len(lines) and lines[i + 1].reason == "speaker_label":
            continue  # a presenter's question before the reporter's answer
        j = k + 1
        while j < len(kept) and kept[j][1].reason is not None:
            j += 1
        nxt = kept[j][1] if j < len(kept) else None
        if nxt is None or not (_reads_as_body(nxt.s) or len(nxt.s) >= 1.5 * len(s)
                               or _ITEM_MARK.match(nxt.s)):
            continue
        prv = kept[k - 1][1]
        if prv.reason is None and not _ENDS_CLOSED.search(prv.s):
            continue  # the line goes on from an unfinished one
        ln.reason = "heading"


def _timestamp_tail(s: str, base: int, scan: _Scan, ln: _Line) -> None:
    """A timestamp (and byline) after the last sentence of a line: "Headline. March. 4, 2026
    10:15. by 김철수기자 kim@example.com." -> the part from the date on is removed."""
    if len(s) > _SHORT or not _YEAR.search(s):
        return
    for a, _b, iso in _find_dates(s):
        if a == 0 or not re.search(r"[.!?][\"'”’)]*\s+$", s[:a]):
            continue
        residual = _date_residual(s[a:], [(0, _b - a)])
        lex = _lex()
        unby = re.sub(rf"^{lex.by_word}\s+", "", residual)
        if residual and not (lex.byline_part.match(unby) or lex.by_line.match(residual)):
            continue
        scan.spans.append(Removed(base + a, base + len(s), "timestamp"))
        scan.meta("published", _P_LINE, iso, "dateline", base + a, base + _b)
        if residual:
            _byline(unby, ln, scan, whole=False)
        return


def _scan_text(text: str, language: str, start: int = 0, fmt: str = "txt",
               outlets: Sequence[str] = ()) -> _Scan:
    """Classify every line of ``text[start:]``: chrome spans plus metadata candidates.

    ``outlets`` are names the article is already known by (front matter, HTML metadata): a
    head line that only names the outlet is its masthead, a bracketed outlet before the
    first sentence its tag.
    """
    scan = _Scan(outlets=tuple(outlets))
    lines = list(_iter_lines(text, start))
    for i, ln in enumerate(lines):
        if len(ln.s) <= _SHORT and fmt == "md" and (_MD_HR.match(ln.s) or _MD_REFDEF.match(ln.s)):
            ln.reason = "markup"
            continue
        caption = _caption(ln.s)
        if caption:
            ln.reason = caption
            continue
        if len(ln.s) <= _SHORT:
            _classify(ln, scan, head=i < 3)
    # Menus: three or more single-token lines in a row.
    run: list[_Line] = []
    for ln in [*lines, _Line(0, 0, "")]:
        if ln.s and (ln.reason in (None, "nav", "button", "search", "share")
                     and _is_menu_token(ln.s)):
            run.append(ln)
            continue
        if len(run) >= 3:
            for r in run:
                r.reason = r.reason or "nav"
        run = []
    # Related / most-read / photo-section blocks: the list-like lines after such a heading.
    block: str | None = None
    for ln in lines:
        if ln.block:
            block = ln.block
            continue
        if block is None:
            continue
        if ln.reason is None and _is_substantial(ln.s):
            block = None
            continue
        if ln.reason is None:
            ln.reason = block
    # Copyright names map domains (www.asiae.co.kr -> 아시아경제).
    domain_map: dict[str, str] = {}
    for name, _, mv in scan.cands:
        if name == "domain_map":
            dom, outlet = mv.value.split("\t", 1)
            domain_map[dom.removeprefix("www.")] = outlet
    copy_names = [mv.value for n, _, mv in scan.cands if n == "outlet" and mv.source ==
                  "copyright_line"]
    scan.outlets = (*scan.outlets, *copy_names)
    _structure(lines, scan)
    for _name, _, mv in [c for c in scan.cands if c[0] == "email_domain"]:
        dom = mv.value
        readable: str | None = domain_map.get(dom) or next(
            (o for d, o in domain_map.items() if dom.endswith("." + d) or d.endswith("." + dom)),
            None) or _domain_outlet(dom)
        if readable is None:
            label = _squash(dom.split(".")[0])
            readable = next((c for c in copy_names if _squash(c) == label), None)
        scan.meta("outlet", _P_EMAIL, readable or dom, "email_domain", mv.start, mv.end)
    # A first line equal to the copyright name is a masthead.
    for ln in lines[:3]:
        if ln.reason is None and any(_squash(ln.s) == _squash(c) for c in copy_names):
            ln.reason = "masthead"
            scan.meta("outlet", _P_MAST, ln.s, "masthead", ln.start, ln.end)
    # Outlet names in footer chrome (not in photo credits, which name agencies).
    footer = ("related", "most_read", "nav", "customer_service", "subscription", "button")
    for ln in lines[len(lines) // 2:]:
        if ln.reason in footer:
            gname = _gazetteer_name(ln.s)
            if gname:
                scan.meta("outlet", _P_FOOT, gname, "footer", ln.start, ln.end)
                break
    # Whole-line spans, then in-line spans of the kept lines.
    first_body = True
    for ln in lines:
        if ln.reason:
            scan.spans.append(Removed(ln.start, ln.end, ln.reason))
            continue
        _inline(ln, text, fmt, scan, first_body)
        if ln.reason is None and first_body and len(ln.s) >= 20:
            first_body = False if _is_sentence(ln.s) or len(ln.s) >= 60 else first_body
    # Title: the first kept, substantial line that is not a sentence.
    kept = [ln for ln in lines if ln.reason is None]
    for ln in kept[:3]:
        s = text[ln.start:ln.end]
        visible = _visible(s, ln.start, scan.spans)
        if 6 <= len(visible) <= 150 and not re.search(r"(?<!\.\.)[.。]$", visible) \
                and not _is_sentence(visible):
            source = "markdown_heading" if fmt == "md" and _MD_HEADING.match(s) else "first_line"
            scan.meta("title", _P_FIRST + (5 if source == "markdown_heading" else 0), visible,
                      source, ln.start, ln.end)
            break
        if len(visible) >= 6:
            break
    return scan


def _visible(s: str, base: int, spans: list[Removed]) -> str:
    """A line's text without the removed spans that fall inside it."""
    out: list[str] = []
    pos = 0
    for r in sorted((sp.start, sp.end) for sp in spans
                    if sp.end > base and sp.start < base + len(s)):
        a, b = max(r[0] - base, 0), min(r[1] - base, len(s))
        if a > pos:
            out.append(s[pos:a])
        pos = max(pos, b)
    out.append(s[pos:])
    return "".join(out).strip()


def _normalize_spans(spans: Iterable[Removed], n: int) -> tuple[Removed, ...]:
    """Clamp to the text, drop empties, sort, and merge overlapping spans (first reason wins)."""
    ordered = sorted(
        (Removed(max(0, r.start), min(n, r.end), r.reason) for r in spans),
        key=lambda r: (r.start, -r.end),
    )
    out: list[Removed] = []
    for r in ordered:
        if r.end <= r.start:
            continue
        if out and r.start < out[-1].end:
            if r.end > out[-1].end:
                out[-1] = Removed(out[-1].start, r.end, out[-1].reason)
            continue
        out.append(r)
    return tuple(out)


def find_chrome(text: str, language: str, start: int = 0, fmt: str = "txt") -> list[Removed]:
    """Spans of ``text[start:]`` that are not article body (web chrome, bylines, markup...).

    ``fmt`` "md" also strips Markdown markup characters. The spans are sorted and
    non-overlapping; ``text[r.start:r.end]`` is exactly what was removed.
    """
    del language  # the rules are bilingual; kept for a language-specific future
    return list(_normalize_spans(_scan_text(text, "", start, fmt).spans, len(text)))


# --------------------------------------------------------------------------------------------
# Front matter


_FM_KEYS = {
    "outlet": "outlet", "source": "outlet", "publisher": "outlet", "site": "outlet",
    "title": "title", "headline": "title",
    "published": "published", "date": "published", "published_at": "published",
    "url": "url", "link": "url",
    "language": "language", "lang": "language",
    "byline": "byline", "author": "byline", "authors": "byline",
    "primary": "primary",
}


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (``*name``: a few hundred bytes of nested
    aliases expand to gigabytes of text, the "billion laughs") and keeps a date that does not
    exist (``2026-02-30``) as the text it is instead of raising."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None,
                "aliases (*name) are refused: a few bytes of them can expand to gigabytes",
                event.start_mark)
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                   _FrontMatterLoader.construct_yaml_timestamp)


def _front_matter(path: str, text: str, strict: bool) -> tuple[dict[str, Any], int] | None:
    """Parse ``---`` YAML front matter at the top: (mapping, end offset), or None if absent.

    With ``strict`` a malformed block raises :class:`IngestError` naming the YAML error's line;
    otherwise (plain .txt) a malformed block is simply not front matter.
    """
    first_nl = text.find("\n")
    if first_nl < 0 or text[:first_nl].rstrip("\r \t") != "---":
        return None
    pos = first_nl + 1
    close = -1
    while pos <= len(text):
        nl = text.find("\n", pos)
        line_end = len(text) if nl < 0 else nl
        if text[pos:line_end].rstrip("\r \t") in ("---", "..."):
            close = pos
            break
        if nl < 0:
            break
        pos = nl + 1
    if close < 0:
        return None
    block = text[first_nl + 1:close]
    end = text.find("\n", close)
    end = len(text) if end < 0 else end + 1
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader) if block.strip() else {}
    except RecursionError as exc:
        if not strict:
            return None
        raise IngestError(path, "malformed YAML front matter: nested too deeply") from exc
    except yaml.YAMLError as exc:
        if not strict:
            return None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise IngestError(path, f"malformed YAML front matter{where}: {problem}") from exc
    if not isinstance(data, dict):
        if not strict:
            return None
        raise IngestError(path, "malformed YAML front matter: expected key: value pairs, "
                                f"got {type(data).__name__}")
    if not strict and not any(str(k).lower() in _FM_KEYS for k in data):
        return None
    return data, end


def _front_matter_meta(data: dict[str, Any], text: str, end: int, scan: _Scan) -> None:
    """Turn front-matter keys into metadata candidates that beat every inferred value."""
    for key, value in data.items():
        name = _FM_KEYS.get(str(key).lower())
        if name is None or value is None:
            continue
        m = re.search(rf"(?m)^{re.escape(str(key))}\s*:", text[:end])
        start, stop = (m.start(), text.find("\n", m.start())) if m else (0, end)
        stop = end if stop < 0 else stop
        if name == "primary":
            flag = value if isinstance(value, bool) else str(value).strip().lower() in (
                "true", "yes", "y", "1", "on")
            scan.meta("primary", _P_FRONT, "true" if flag else "false", "front_matter", start,
                      stop)
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        sval = str(value)
        if name == "published":
            iso = normalize_date(sval)
            if iso is None:  # the article is kept: the pipeline reports this as a warning
                scan.meta("warning", _P_FRONT, f"front matter {key}: {sval[:80]!r} is not a "
                          "valid date; the article is kept without it", "front_matter",
                          start, stop)
                continue
            sval = iso
        scan.meta(name, _P_FRONT, sval, "front_matter", start, stop)


# --------------------------------------------------------------------------------------------
# HTML


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag, if Python knows it."""
    m = re.search(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([A-Za-z0-9_-]{2,30})", data[:4096],
                  re.IGNORECASE)
    if not m:
        return None
    try:
        return codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None


def _decode_html(path: str, data: bytes) -> str:
    """Decode HTML bytes, trusting a declared charset when UTF-8 does not fit."""
    try:
        return decode_text(data, path)
    except IngestError:
        declared = _declared_charset(data)
        if declared is None:
            raise
        try:
            return data.decode("cp949" if declared == "euc_kr" else declared)
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"cannot decode: {exc}") from exc


def _html(path: str, data: bytes, scan: _Scan) -> str:
    """Main text of an HTML page via trafilatura; its metadata become candidates."""
    import trafilatura  # deferred: importing trafilatura costs ~0.5 s

    html = _decode_html(path, data)
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                          include_tables=True)
    except Exception as exc:  # trafilatura/lxml raise many kinds on broken markup
        raise IngestError(path, f"cannot parse HTML: {exc}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise IngestError(path, "HTML page has no main text")
    for attr, name in (("title", "title"), ("author", "byline"), ("sitename", "outlet"),
                       ("url", "url")):
        value = getattr(doc, attr, None)
        if value:
            scan.meta(name, _P_HTML, str(value), "html_meta")
    date = getattr(doc, "date", None)
    if date:
        scan.meta("published", _P_HTML, normalize_date(str(date)) or str(date), "html_meta")
    host = getattr(doc, "hostname", None)
    if host and not getattr(doc, "sitename", None):
        scan.meta("outlet", _P_EMAIL, _domain_outlet(str(host)) or str(host), "html_meta")
    return str(text)


# --------------------------------------------------------------------------------------------
# Articles


def _format(path: str, data: bytes) -> str:
    """txt / md / html from the file suffix, sniffing unknown suffixes."""
    lower = path.lower()
    if lower.endswith((".md", ".markdown", ".mdown")):
        return "md"
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".txt", ".text")):
        return "txt"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "txt"


def _pick(cands: list[tuple[str, int, MetaValue]]) -> dict[str, MetaValue]:
    """The winning candidate per field: highest priority, then the first found."""
    best: dict[str, tuple[int, MetaValue]] = {}
    for name, prio, mv in cands:
        if name in ("domain_map", "email_domain"):
            continue
        if name not in best or prio > best[name][0]:
            best[name] = (prio, mv)
    return {k: v[1] for k, v in best.items()}


def parse_article(path: str, data: bytes, article_id: str) -> Article:
    """Decode one file's bytes into an :class:`Article` with metadata and removed spans.

    ``path`` picks the format (.txt, .md, .html) and names the file in errors; the caller reads
    the bytes. Raises :class:`IngestError` (and nothing else) for input that is not an article.
    """
    fmt = _format(path, data)
    scan = _Scan()
    spans: list[Removed] = []
    body_start = 0
    if fmt == "html":
        text = _html(path, data, scan)
    else:
        text = decode_text(data, path)
        fm = _front_matter(path, text, strict=fmt == "md")
        if fm is not None:
            fm_data, body_start = fm
            spans.append(Removed(0, body_start, "front_matter"))
            _front_matter_meta(fm_data, text, body_start, scan)
            if not text[body_start:].strip():
                raise IngestError(path, "no article text after the front matter")
    language_hint = detect_language(text[body_start:])
    known = [mv.value for name, _, mv in scan.cands if name == "outlet"]
    body_scan = _scan_text(text, language_hint, body_start, fmt, known)
    scan.cands.extend(body_scan.cands)
    spans.extend(body_scan.spans)
    meta = _pick(scan.cands)
    if "language" not in meta:
        meta["language"] = MetaValue(language_hint, "detected")
    removed = _normalize_spans(spans, len(text))
    if fmt == "html" and not _has_body(text, removed):
        raise IngestError(path, "HTML page has no main text")

    def val(name: str) -> str | None:
        mv = meta.get(name)
        return mv.value if mv else None

    return Article(
        id=article_id,
        path=path,
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        language=val("language") or language_hint,
        outlet=val("outlet"),
        title=val("title"),
        published=val("published"),
        url=val("url"),
        byline=val("byline"),
        primary=val("primary") == "true",
        meta=tuple(sorted(meta.items())),
        removed=removed,
    )


def _has_body(text: str, removed: tuple[Removed, ...]) -> bool:
    """True when some non-whitespace character of ``text`` is outside the removed spans."""
    pos = 0
    for r in removed:
        if text[pos:r.start].strip():
            return True
        pos = max(pos, r.end)
    return bool(text[pos:].strip())


def _covered(spans: tuple[Removed, ...], start: int, end: int,
             starts: list[int] | None = None) -> bool:
    """True when ``[start, end)`` lies entirely inside removed spans (sorted, merged)."""
    if starts is None:
        starts = [r.start for r in spans]
    pos = start
    i = bisect.bisect_right(starts, pos) - 1
    i = max(i, 0)
    while pos < end and i < len(spans):
        r = spans[i]
        if r.start > pos:
            return False
        if r.end > pos:
            pos = r.end
        i += 1
    return pos >= end


_QUOTE_MARK = re.compile("[\"“”‘’「」『』]")


def _states_something(s: str) -> bool:
    """True when a line reads as a statement (a sentence, a figure in a phrase, a quote):
    such a line is never taken for boilerplate, however often an outlet repeats it."""
    words = len(s.split())
    return (_is_sentence(s) or (words >= 3 and any(ch.isdigit() for ch in s))
            or (words >= 4 and bool(_QUOTE_MARK.search(s))))


def _story_groups(pages: list[int], statements: list[set[str]],
                  common: int = 50) -> dict[int, int]:
    """Group one outlet's pages into stories: two pages that share at least half of the
    smaller one's statement lines are versions of one story (an update, a corrected copy).
    Returns page -> group (the group's smallest page). Pairs are found through the statement
    lines they share; a line in more than ``common`` pages says nothing about versions."""
    group = {p: p for p in pages}

    def root(p: int) -> int:
        while group[p] != p:
            group[p] = group[group[p]]
            p = group[p]
        return p

    holders: dict[str, list[int]] = {}
    for p in pages:
        for s in statements[p]:
            holders.setdefault(s, []).append(p)
    shared: dict[tuple[int, int], int] = {}
    for hs in holders.values():
        if 2 <= len(hs) <= common:
            for n, a in enumerate(hs):
                for b in hs[n + 1:]:
                    shared[a, b] = shared.get((a, b), 0) + 1
    for (a, b), k in sorted(shared.items()):
        if k * 2 >= min(len(statements[a]), len(statements[b])):
            ra, rb = root(a), root(b)
            group[max(ra, rb)] = min(ra, rb)
    return {p: root(p) for p in pages}


def drop_repeated_lines(articles: list[Article], min_chars: int = 8,
                        many: int = 3) -> list[Article]:
    """Remove an outlet's boilerplate: lines (stripped, ≥ ``min_chars``) that recur across
    its pages go to ``removed`` with reason "repeated".

    Boilerplate is what repeats across *many* pages of an outlet, not a fact two of its
    stories share. A line is removed only when all of these hold:

    - it does not read as a statement (a sentence, a figure, a quote: ``_states_something``);
    - it recurs in at least ``many`` of the outlet's stories, or in all of them when the
      outlet has fewer (at least two). Versions of one story (an update or a corrected copy:
      pages sharing half of their statement lines) count as one story, so that a follow-up
      keeps its headline;
    - it occurs in no article of another (or an unknown) outlet: it may be a quote both
      outlets carry.

    Articles come back in the same order.
    """
    per_article: list[dict[str, list[tuple[int, int]]]] = []
    seen_in: dict[str, set[int]] = {}
    outlets_of: dict[str, set[str]] = {}
    pages_of: dict[str, list[int]] = {}
    for idx, art in enumerate(articles):
        key = _squash(art.outlet) if art.outlet else f"?{art.id}"
        pages_of.setdefault(key, []).append(idx)
        found: dict[str, list[tuple[int, int]]] = {}
        starts = [r.start for r in art.removed]
        for ln in _iter_lines(art.text):
            if len(ln.s) < min_chars or _covered(art.removed, ln.start, ln.end, starts):
                continue
            found.setdefault(ln.s, []).append((ln.start, ln.end))
        per_article.append(found)
        for s in found:
            seen_in.setdefault(s, set()).add(idx)
            outlets_of.setdefault(s, set()).add(key)
    # lines that recur within one outlet only; usually none, and then nothing more to do
    shared = {s for s, pages in seen_in.items() if len(pages) >= 2 and len(outlets_of[s]) == 1}
    if not shared:
        return list(articles)
    memo: dict[str, bool] = {}

    def statement(s: str) -> bool:
        if s not in memo:
            memo[s] = _states_something(s)
        return memo[s]

    involved = {p for s in shared for p in seen_in[s]}
    statements: list[set[str]] = [set() for _ in articles]
    for p in involved:
        statements[p] = {s for s in per_article[p] if statement(s)}
    story: dict[int, int] = {}
    need: dict[int, int] = {}
    for key, pages in pages_of.items():
        if key.startswith("?"):
            continue
        mine = [p for p in pages if p in involved]
        groups = _story_groups(mine, statements)
        story.update(groups)
        n_stories = len(pages) - len(mine) + len(set(groups.values()))
        for p in pages:
            need[p] = max(2, min(many, n_stories))
    out: list[Article] = []
    for idx, (art, found) in enumerate(zip(articles, per_article, strict=True)):
        if not art.outlet or idx not in story:
            out.append(art)
            continue
        extra = [Removed(a, b, "repeated") for s, locs in found.items()
                 if s in shared and not statement(s)
                 and len({story[p] for p in seen_in[s]}) >= need[idx] for a, b in locs]
        if not extra:
            out.append(art)
            continue
        out.append(replace(art, removed=_normalize_spans([*art.removed, *extra], len(art.text))))
    return out
