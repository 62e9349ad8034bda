"""Stage 2b: typed facets of each claim, each with its own offsets and a normalised value.

Facet types: ``person``, ``title`` (subject = the person), ``organization``, ``place``,
``document_type``, ``number``, ``date``, ``quote`` (subject = the speaker), ``attribution``
(who says the claim), ``modality`` (planned / done) and ``predicate`` (a commitment's
direction: export *controls* vs export *promotion*).

``annotate(article, claims)`` is the entry point: it reads the whole article first, so that
short forms (``배 부총리``, ``Bae``) resolve to the full name given elsewhere in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from crosscheck.models import Article, Claim, Facet

# --------------------------------------------------------------------------- lexicons

TITLES_KO: dict[str, str] = {
    "부총리": "deputy prime minister",
    "부장관": "deputy secretary",
    "장관": "minister",
    "차관": "vice minister",
    "총리": "prime minister",
    "부통령": "vice president",
    "대통령": "president",
    "실장": "director",
    "국장": "director",
    "수석": "senior secretary",
    "비서관": "secretary",
    "대변인": "spokesperson",
    "대사": "ambassador",
    "위원장": "chair",
    "의원": "lawmaker",
    "회장": "chairman",
    "사장": "president",
    "대표": "chief executive",
    "최고경영자": "ceo",
    "청장": "commissioner",
    "원장": "head",
    "소장": "head",
    "센터장": "head",
    "차장": "deputy director",
    "특사": "envoy",
    "여사": "first lady",
    "교수": "professor",
}
TITLES_EN: dict[str, str] = {
    "deputy prime minister": "deputy prime minister",
    "prime minister": "prime minister",
    "vice minister": "vice minister",
    "deputy minister": "vice minister",
    "minister": "minister",
    "secretary": "secretary",
    "vice president": "vice president",
    "president": "president",
    "director": "director",
    "ambassador": "ambassador",
    "chancellor": "chancellor",
    "commissioner": "commissioner",
    "chairman": "chairman",
    "chairwoman": "chair",
    "chair": "chair",
    "chief executive": "ceo",
    "ceo": "ceo",
    "senior secretary": "senior secretary",
    "spokesperson": "spokesperson",
    "spokesman": "spokesperson",
    "spokeswoman": "spokesperson",
    "governor": "governor",
    "mayor": "mayor",
    "professor": "professor",
}
COUNTRIES_KO = {
    "한국", "미국", "일본", "중국", "영국", "캐나다", "독일", "프랑스", "러시아", "인도", "호주",
    "대한민국", "한미", "미일", "한일", "북한", "대만", "유럽", "EU", "韓", "美", "中", "日",
}
ORG_SUFFIX_KO = (
    "부", "청", "처", "관", "실", "위원회", "연구소", "연구원", "센터", "협회", "재단", "공사",
    "전자", "그룹", "은행", "대학교", "대학", "기구", "정부", "행정부", "의회", "공단",
)
ORG_WORDS_EN = (
    "Ministry", "Department", "Office", "Agency", "Institute", "Center", "Centre", "Council",
    "Commission", "Corp", "Corporation", "Inc", "Ltd", "Group", "University", "Association",
    "Bank", "House", "Administration", "Foundation", "Authority", "Electronics", "Times", "Wire",
)
PLACES: dict[str, str] = {
    "서울": "seoul", "부산": "busan", "경주": "gyeongju", "경북": "north gyeongsang",
    "인천": "incheon", "대구": "daegu", "대전": "daejeon", "광주": "gwangju", "울산": "ulsan",
    "세종": "sejong", "제주": "jeju", "수원": "suwon", "창원": "changwon", "포항": "pohang",
    "판교": "pangyo", "송도": "songdo", "여의도": "yeouido", "용산": "yongsan", "평택": "pyeongtaek",
    "워싱턴": "washington", "뉴욕": "new york", "도쿄": "tokyo", "베이징": "beijing",
    "오타와": "ottawa", "토론토": "toronto", "밴쿠버": "vancouver", "몬트리올": "montreal",
    "런던": "london", "파리": "paris", "브뤼셀": "brussels", "제네바": "geneva",
    "싱가포르": "singapore", "오사카": "osaka", "상하이": "shanghai", "홍콩": "hong kong",
    "캘거리": "calgary", "퀘벡": "quebec", "에드먼턴": "edmonton", "핼리팩스": "halifax",
}
PLACES_EN = {v.title(): v for v in PLACES.values()} | {"Washington, D.C.": "washington"}

DOC_TYPES: list[tuple[str, str]] = [
    (r"양해\s*각서|업무\s*협약|\bMOUs?\b|memorand(?:um|a) of understanding", "mou"),
    (r"협력\s*각서|\bMOC\b|memorand(?:um|a) of cooperation", "moc"),
    (r"공동\s*성명|joint statement", "joint_statement"),
    (r"조약|\btreat(?:y|ies)\b", "treaty"),
    (r"협정(?!문)|\bagreements?\b|\baccords?\b", "agreement"),
    (r"협약|합의|\bdeal\b|\bpact\b|\bpartnership\b|파트너십", "accord"),
]
# generic words (협약, deal, partnership) never conflict with a specific instrument
GENERIC_DOC_TYPES = {"accord"}

_SCALES = {
    "천": Decimal(1_000), "만": Decimal(10_000), "억": Decimal(100_000_000),
    "조": Decimal(1_000_000_000_000), "thousand": Decimal(1_000), "million": Decimal(1_000_000),
    "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000), "billion": Decimal(1_000_000_000),
    "trillion": Decimal(1_000_000_000_000),
}
_UNITS = {
    "달러": "USD", "$": "USD", "us$": "USD", "dollars": "USD", "dollar": "USD", "usd": "USD",
    "c$": "CAD", "cad": "CAD", "캐나다달러": "CAD", "원": "KRW", "₩": "KRW", "won": "KRW",
    "krw": "KRW", "%": "percent", "퍼센트": "percent", "percent": "percent", "per cent": "percent",
    "유로": "EUR", "€": "EUR", "euros": "EUR", "엔": "JPY", "yen": "JPY",
    "명": "people", "people": "people", "persons": "people", "jobs": "jobs", "일자리": "jobs",
    "개": "items", "곳": "sites", "개국": "countries", "countries": "countries", "배": "times",
    "times": "times", "톤": "tonnes", "tonnes": "tonnes", "tons": "tonnes", "가지": "kinds",
    "개사": "companies", "companies": "companies", "기업": "companies", "firms": "companies",
    "gwh": "GWh", "gw": "GW", "mw": "MW", "tbps": "Tbps", "km": "km", "년": "years",
    "years": "years", "건": "cases",
}
_KO_NUM = re.compile(
    r"(?P<approx>약\s*|최대\s*|최소\s*|총\s*|무려\s*)?"
    r"(?<![\w.\-:])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>조|억|만|천)?(?:\s*(?P<num2>\d{1,4}(?:,\d{3})*)\s*(?P<scale2>억|만|천))?\s*"
    r"(?P<unit>캐나다달러|달러|원|명|개국|개사|개|곳|%|퍼센트|배|톤|가지|건|GWh|GW|MW|Tbps|km|일자리)?"
    r"(?![A-Za-z0-9:])"
)
_EN_NUM = re.compile(
    r"(?P<approx>\b(?:about|around|approximately|nearly|some|roughly|almost|more than|over|up to)"
    r"\s+)?(?P<cur>US\$|C\$|\$|₩|€|£)?(?<![\w.\-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>trillion|billion|million|thousand|bn)\b)?"
    r"(?:\s*(?P<unit>percent|per cent|%|dollars|won|people|jobs|companies|firms|countries|tonnes"
    r"|tons|times|GWh|GW|MW|Tbps|km|years)\b|(?P<pct>%))?"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")]
    )
    for m in names
}
_MON = r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?" \
       r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
_DATE_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})"),
    re.compile(r"(?:(?P<y>(?:19|20)\d{2})년\s*)?(?P<m>\d{1,2})월\s*(?P<d>\d{1,2})일"),
    re.compile(r"(?P<rel>지난|오는|이달)?\s*(?<!\d)(?P<d>[1-9]|[12]\d|3[01])일(?!\s*(?:간|동안|째|부터\s*\d))"),
    re.compile(_MON + r"\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<y>(?:19|20)\d{2}))?\b"),
    re.compile(r"\b(?P<d>\d{1,2})\s+" + _MON + r"(?:\s+(?P<y>(?:19|20)\d{2}))?\b"),
    re.compile(
        r"\b(?P<wrel>last |next |this )?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday"
        r"|Sunday)\b"
    ),
    re.compile(r"(?P<word>어제|오늘|내일|\byesterday\b|\btoday\b|\btomorrow\b)"),
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_QUOTE = re.compile(r"“([^”]{6,}?)”|\"([^\"]{6,}?)\"")
_SAY_KO = re.compile(
    r"(밝혔|말했|전했|강조했|보도했|설명했|평가했|기대했|덧붙였|발표했|언급했|분석했|주장했|지적했"
    r"|밝힌|말한|전한|보도한|발표한|밝히|말하|전하|보도하|발표하)"
)
_SAY_EN = re.compile(
    r"(?:(?P<who1>[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3})\s+"
    r"(?:said|says|told|announced|reported|stated|added|noted))"
    r"|(?:(?:said|says|told|announced|reported|stated|added|noted)\s+"
    r"(?P<who2>[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3}))"
    r"|(?:according to\s+(?P<who3>(?:the\s+)?[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,3}))"
)
_PLANNED = re.compile(
    r"예정|계획이다|계획이며|방침|할 것|될 것|키로|\bwill\b|\bplans? to\b|\bis expected to\b|"
    r"\bare expected to\b|\bis set to\b|\bare set to\b|\bto be signed\b|\bscheduled to\b|"
    r"ㄹ 것|체결한다|서명한다|발표한다"
)
_DONE = re.compile(
    r"(했|됐|었|았|였|렸|졌|냈|켰|왔|쳤)(다|습니다)[.”\"’']*\s*$|"
    r"(했|됐|었|았|였)(고|으며|며|는데|지만)\s*,?\s*$|"
    r"\b(signed|agreed|announced|inked|concluded|launched|unveiled|pledged|said|held|reached"
    r"|was signed|were signed|has signed|have signed)\b"
)
_PRED_OBJECTS = {
    "수출": "export", "export": "export", "exports": "export", "수입": "import",
    "imports": "import", "import": "import", "투자": "investment", "investment": "investment",
    "규제": "regulation", "regulation": "regulation", "regulations": "regulation",
    "관세": "tariff", "tariffs": "tariff", "tariff": "tariff",
}
_PRED_VERBS = {
    "통제": "restrict", "제한": "restrict", "금지": "restrict", "차단": "restrict",
    "controls": "restrict", "control": "restrict", "restrictions": "restrict",
    "restrict": "restrict", "curbs": "restrict", "ban": "restrict", "bans": "restrict",
    "촉진": "promote", "진흥": "promote", "확대": "promote", "활성화": "promote",
    "promotion": "promote", "promote": "promote", "promoting": "promote", "boost": "promote",
    "expand": "promote", "expansion": "promote",
    "완화": "ease", "ease": "ease", "easing": "ease", "relax": "ease",
    "강화": "tighten", "tighten": "tighten", "tightening": "tighten",
}
_PRED_KO = re.compile(
    r"(?P<obj>수출|수입|투자|규제|관세)\s*(?:을|를|의)?\s*"
    r"(?P<verb>통제|제한|금지|차단|촉진|진흥|확대|활성화|완화)(?:\s*(?P<more>강화|완화))?"
)
_PRED_EN = re.compile(
    r"\b(?P<obj>exports?|imports?|investment|regulations?|tariffs?)\s+"
    r"(?P<verb>controls?|restrictions?|curbs?|bans?|promotion|expansion)\b|"
    r"\b(?P<verb2>promot\w*|boost\w*|expand\w*|restrict\w*|curb\w*|ban\w*|eas\w*|relax\w*|"
    r"tighten\w*)\s+(?:the\s+|of\s+)?(?:\w+\s+)?(?P<obj2>exports?|imports?|investment|"
    r"regulations?|tariffs?)\b",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- helpers


@lru_cache(maxsize=1)
def _kiwi() -> Any:
    from kiwipiepy import Kiwi

    return Kiwi()


def _is_hangul(s: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in s)


def _article_date(article: Article) -> date | None:
    if not article.published:
        return None
    try:
        return datetime.fromisoformat(article.published[:19]).date()
    except ValueError:
        try:
            return date.fromisoformat(article.published[:10])
        except ValueError:
            return None


@dataclass(frozen=True)
class _Tok:
    form: str
    tag: str
    start: int  # absolute offsets into the article text
    end: int


def _tokens(text: str, offset: int) -> list[_Tok]:
    if not _is_hangul(text) or len(text) > 4000:
        return []
    return [
        _Tok(t.form, t.tag, offset + t.start, offset + t.start + t.len)
        for t in _kiwi().tokenize(text)
    ]


def format_decimal(value: Decimal) -> str:
    """A plain decimal string without exponent or trailing zeros."""
    s = format(value.normalize(), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    title: str | None = None
    title_start: int | None = None
    title_end: int | None = None
    alias: str | None = None  # the name in the other script, e.g. "(Michael Kratsios)"


def _is_org_like(form: str) -> bool:
    return form in COUNTRIES_KO or (len(form) >= 2 and form.endswith(ORG_SUFFIX_KO))


def _title_at(toks: list[_Tok], j: int) -> str | None:
    form = toks[j].form
    if toks[j].tag not in ("NNG", "NNP", "SL"):
        return None
    if form in TITLES_KO or form == "CEO":
        return form
    return None


def _ko_mentions(text: str, toks: list[_Tok]) -> list[Mention]:
    """Korean ``NAME (ORG...) TITLE`` mentions from kiwi tokens."""
    out: list[Mention] = []
    chain_ok = {"NNG", "NNP", "SL", "SH", "SN", "SSO", "SSC", "NNB"}
    for j in range(len(toks)):
        title = _title_at(toks, j)
        if title is None:
            continue
        # the title must end its word (장관 in 장관이, not 장관급 ...)
        if toks[j].tag == "SL" and (j == 0 or toks[j - 1].form != "("):
            continue
        # walk back over the noun chain before the title
        i = j - 1
        runs: list[list[int]] = []
        cur: list[int] = []
        alias = None
        while i >= 0 and toks[i].tag in chain_ok and j - i <= 9:
            t = toks[i]
            if t.form in ("겸", "및"):
                break
            if t.tag == "NNP" and not (t.tag == "NNB"):
                cur.insert(0, i)
            else:
                if cur:
                    runs.append(cur)
                    cur = []
                if t.tag == "SL" and i + 1 < len(toks) and toks[i + 1].tag in ("SL", "SSC"):
                    k = i
                    while k > 0 and toks[k - 1].tag == "SL":
                        k -= 1
                    if k > 0 and toks[k - 1].form == "(":
                        alias = text[toks[k].start : toks[i].end] if alias is None else alias
            i -= 1
        if cur:
            runs.append(cur)
        # compound title: NAME T1 겸/및 ORG T2 -> T2 also belongs to NAME
        joiner = i >= 0 and toks[i].form in ("겸", "및")
        person: list[_Tok] | None = None
        for run in runs:  # nearest run first
            names = [toks[k] for k in run if not _is_org_like(toks[k].form)]
            # keep the leading name tokens; drop trailing orgs/countries
            lead: list[_Tok] = []
            for k in run:
                if _is_org_like(toks[k].form):
                    break
                lead.append(toks[k])
            if not lead or not names:
                continue
            if len(lead) == 1 and len(lead[0].form) == 1 and run[-1] != j - 1:
                continue  # a lone syllable is a surname only right before its title
            if any(not _is_hangul(t.form) or len(t.form.replace(" ", "")) > 5 for t in lead):
                continue
            if " " in lead[0].form:
                lead = lead[:1]
            after = lead[-1].end
            if after < len(text) and not (text[after].isspace() or text[after] == "("):
                continue  # glued to the next word (과기정통부): part of a name of an org
            person = lead[:3]
            break
        if person is None and joiner and out:
            prev = out[-1]
            if prev.end <= toks[j].start and toks[j].start - prev.end < 40:
                out.append(
                    Mention(prev.name, prev.start, prev.end, title, toks[j].start, toks[j].end)
                )
            continue
        if person is None:
            continue
        s, e = person[0].start, person[-1].end
        out.append(Mention(text_slice(text, s, e), s, e, title, toks[j].start, toks[j].end, alias))
    return out


_TEXT_CACHE: dict[int, str] = {}


def text_slice(text: str, start: int, end: int) -> str:
    return text[start:end]


_EN_NAME = r"[A-Z][a-z]+(?:-[a-z]+)?(?:\s+[A-Z][a-z]+(?:-[a-z]+)?){1,2}"
_EN_TITLE_WORDS = "|".join(sorted((re.escape(t) for t in TITLES_EN), key=len, reverse=True))
_EN_BEFORE = re.compile(
    r"(?P<title>(?:(?:[A-Z][a-z]+|[A-Z]{2,})\s+){0,3}?(?i:" + _EN_TITLE_WORDS + r"))\s+"
    r"(?P<name>" + _EN_NAME + r")"
)
_EN_AFTER = re.compile(
    r"(?P<name>" + _EN_NAME + r"),\s+(?:(?:the|a|an|his|her|[A-Z][\w.]*'s|[A-Za-z]+)\s+){0,4}?"
    r"(?P<title>(?i:" + _EN_TITLE_WORDS + r"))\b"
)
_ALIAS_AFTER = re.compile(r"\s*\(([^()]{2,40})\)")
_NOT_NAMES = {
    "The", "This", "That", "South", "North", "Korea", "Canada", "United", "States", "Minister",
    "President", "Director", "Ministry", "Department", "Office", "Technology", "Prosperity",
}


def _en_mentions(text: str, start: int, end: int) -> list[Mention]:
    seg = text[start:end]
    out: list[Mention] = []
    for rx in (_EN_BEFORE, _EN_AFTER):
        for m in rx.finditer(seg):
            name = m.group("name")
            words = name.split()
            if words[0] in _NOT_NAMES or words[-1] in _NOT_NAMES:
                continue
            if any(w in ORG_WORDS_EN for w in words):
                continue
            title = m.group("title")
            key = _en_title_key(title)
            if key is None:
                continue
            ns = start + m.start("name")
            ts, te = start + m.start("title"), start + m.end("title")
            # trim a leading capitalised qualifier from the title span: keep the title words
            low = title.lower()
            for t in sorted(TITLES_EN, key=len, reverse=True):
                k = low.rfind(t)
                if k >= 0:
                    ts = start + m.start("title") + k
                    te = ts + len(t)
                    break
            alias = None
            am = _ALIAS_AFTER.match(text, ns + len(name))
            if am and _is_hangul(am.group(1)):
                alias = am.group(1).strip()
            out.append(Mention(name, ns, ns + len(name), text[ts:te], ts, te, alias))
    return out


def _en_title_key(title: str) -> str | None:
    low = title.lower()
    for t in sorted(TITLES_EN, key=len, reverse=True):
        if low.endswith(t):
            return TITLES_EN[t]
    return None


def title_key(title: str) -> str:
    """The cross-language key of a title: 장관 and minister both give ``minister``."""
    return TITLES_KO.get(title) or _en_title_key(title) or title.lower()


@dataclass
class _People:
    """An article's people: full names and the short forms that point to them."""

    full: dict[str, str]  # short form or alias -> full name
    mentions: list[Mention]

    def resolve(self, name: str) -> str:
        return self.full.get(name, name)


def _collect_people(article: Article, claims: list[Claim]) -> _People:
    text = article.text
    mentions: list[Mention] = []
    for c in claims:
        toks = _tokens(c.text, c.start)
        if toks:
            mentions += _ko_mentions(text, toks)
        else:
            mentions += _en_mentions(text, c.start, c.end)
    full: dict[str, str] = {}
    names = sorted({m.name for m in mentions}, key=len, reverse=True)
    for n in names:
        if n in full:
            continue
        full[n] = n
        parts = n.split()
        # short forms: the surname syllable of a Korean name, the last word of a foreign one
        if _is_hangul(n) and len(parts) == 1 and len(n) >= 3:
            full.setdefault(n[0], n)
        if len(parts) >= 2:
            full.setdefault(parts[-1], n)
            if not _is_hangul(n):
                full.setdefault(parts[0], n)  # Korean names romanised surname-first: "Yoon"
    for m in mentions:
        if m.alias:
            full.setdefault(m.alias, full.get(m.name, m.name))
    return _People(full, mentions)


# --------------------------------------------------------------------------- facets


def _number_facets(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Facet]:
    seg = text[start:end]
    out: list[Facet] = []
    rx = _KO_NUM if _is_hangul(seg) else _EN_NUM
    for m in rx.finditer(seg):
        s, e = start + m.start(), start + m.end()
        while e > s and text[e - 1].isspace():
            e -= 1
        ns = start + m.start("num")
        if any(a <= ns < b for a, b in taken):
            continue
        try:
            value = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:
            continue
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= _SCALES[scale]
        gd = m.groupdict()
        if gd.get("num2"):
            value += Decimal(gd["num2"].replace(",", "")) * _SCALES[gd["scale2"]]
        unit_raw = (gd.get("unit") or gd.get("pct") or "").lower()
        cur = (gd.get("cur") or "").lower()
        unit = _UNITS.get(cur) or _UNITS.get(unit_raw, unit_raw)
        if not unit and not scale and value < 10 and "." not in m.group("num"):
            continue  # a bare small integer ("3 areas") is rarely a checkable figure
        if not unit and 1900 <= value <= 2100 and not scale:
            continue  # a year
        approx = "~" if m.group("approx") else ""
        norm = f"{approx}{format_decimal(value)} {unit}".strip()
        if approx:
            s = start + m.start("approx")
        out.append(Facet("number", text[s:e], norm, s, e))
    return out


def _resolve_date(gd: dict[str, str | None], ref: date | None) -> str | None:
    if gd.get("word"):
        w = (gd["word"] or "").lower()
        if ref is None:
            return None
        delta = {"어제": -1, "yesterday": -1, "오늘": 0, "today": 0, "내일": 1, "tomorrow": 1}[w]
        return (ref + timedelta(days=delta)).isoformat()
    if gd.get("wd"):
        if ref is None:
            return None
        target = _WEEKDAYS.index((gd["wd"] or "").lower())
        rel = (gd.get("wrel") or "").strip().lower()
        diff = (ref.weekday() - target) % 7
        d = ref - timedelta(days=diff)
        if rel == "next" or (rel == "" and False):
            d = ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
        return d.isoformat()
    day = int(gd["d"] or 0)
    month: int | None = None
    if gd.get("m"):
        month = int(gd["m"] or 0)
    elif gd.get("mon"):
        month = _MONTHS.get((gd["mon"] or "").lower().rstrip("."))
    year = int(gd["y"]) if gd.get("y") else None
    if month is None:
        if ref is None:
            return None
        month, year = ref.month, ref.year
        rel = gd.get("rel") or ""
        if rel == "지난" and day > ref.day or (not rel and day > ref.day + 7):
            month -= 1
        elif rel == "오는" and day < ref.day:
            month += 1
        if month == 0:
            month, year = 12, year - 1
        elif month == 13:
            month, year = 1, year + 1
    if year is None:
        if ref is None:
            return f"--{month:02d}-{day:02d}"
        year = ref.year
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _date_facets(text: str, start: int, end: int, ref: date | None) -> list[Facet]:
    seg = text[start:end]
    out: list[Facet] = []
    taken: list[tuple[int, int]] = []
    for rx in _DATE_PATTERNS:
        for m in rx.finditer(seg):
            s, e = start + m.start(), start + m.end()
            while s < e and text[s].isspace():
                s += 1
            if any(a < e and s < b for a, b in taken):
                continue
            norm = _resolve_date(m.groupdict(), ref)
            if norm is None:
                continue
            taken.append((s, e))
            out.append(Facet("date", text[s:e], norm, s, e))
    return out


def _doc_type_facets(text: str, start: int, end: int) -> list[Facet]:
    seg = text[start:end]
    out: list[Facet] = []
    taken: list[tuple[int, int]] = []
    for pattern, norm in DOC_TYPES:
        for m in re.finditer(pattern, seg, re.IGNORECASE):
            s, e = start + m.start(), start + m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            taken.append((s, e))
            out.append(Facet("document_type", text[s:e], norm, s, e))
    return out


def _place_facets(text: str, start: int, end: int, toks: list[_Tok]) -> list[Facet]:
    out: list[Facet] = []
    seen: set[int] = set()
    if toks:
        for i, t in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if t.form in PLACES:
                out.append(Facet("place", t.form, PLACES[t.form], t.start, t.end))
                seen.add(t.start)
            elif (
                t.tag == "NNP"
                and nxt is not None
                and nxt.form == "에서"
                and nxt.start == t.end
                and t.form not in COUNTRIES_KO
                and not _is_org_like(t.form)
                and len(t.form) >= 2
                and not t.form.endswith(("식", "회", "의", "장"))
            ):
                out.append(Facet("place", t.form, t.form, t.start, t.end))
    else:
        seg = text[start:end]
        for name, norm in sorted(PLACES_EN.items(), key=lambda kv: -len(kv[0])):
            for m in re.finditer(r"\b" + re.escape(name) + r"\b", seg):
                s = start + m.start()
                if s in seen:
                    continue
                seen.add(s)
                out.append(Facet("place", name, norm, s, s + len(name)))
    return out


def _org_facets(
    text: str, start: int, end: int, toks: list[_Tok], person_spans: list[tuple[int, int]]
) -> list[Facet]:
    out: list[Facet] = []
    if toks:
        # glue tokens written without a space into words; a word ending in an org suffix is an org
        i = 0
        while i < len(toks):
            if toks[i].tag not in ("NNG", "NNP", "SL"):
                i += 1
                continue
            j = i
            while (
                j + 1 < len(toks)
                and toks[j + 1].start == toks[j].end
                and toks[j + 1].tag in ("NNG", "NNP", "SL")
            ):
                j += 1
            s, e = toks[i].start, toks[j].end
            word = text[s:e]
            is_org = (
                len(word) >= 3
                and word.endswith(ORG_SUFFIX_KO)
                and word not in TITLES_KO
                and not word.endswith(("정부", "분", "부분"))
            ) or (
                i == j and toks[i].tag == "NNP" and len(word) >= 3 and word.endswith(("통신", "관"))
            )
            if is_org and not any(a <= s < b for a, b in person_spans):
                out.append(Facet("organization", word, word, s, e))
            i = j + 1
    else:
        seg = text[start:end]
        words = "|".join(ORG_WORDS_EN)
        rx = re.compile(
            r"\b(?:the\s+)?((?:[A-Z][\w&.'\-]*\s+){0,4}(?:" + words + r")\b"
            r"(?:\s+(?:of|for)\s+(?:[A-Z][\w\-]*\s*){1,4})?)"
        )
        for m in rx.finditer(seg):
            name = m.group(1).strip()
            if len(name.split()) < 2:
                continue
            s = start + m.start(1)
            out.append(Facet("organization", name, name, s, s + len(name)))
    return out


def _quote_facets(text: str, c: Claim, speaker: str | None) -> list[Facet]:
    out = []
    for m in _QUOTE.finditer(text, c.start, c.end):
        g = 1 if m.group(1) is not None else 2
        body = m.group(g)
        if " " not in body.strip():
            continue
        s, e = m.start(g), m.end(g)
        norm = re.sub(r"[\s\W_]+", " ", body).strip().lower()
        out.append(Facet("quote", text[s:e], norm, s, e, speaker))
    return out


def _attribution(
    text: str, c: Claim, toks: list[_Tok], people: _People, mentions: list[Mention]
) -> tuple[Facet | None, str | None]:
    """Who says the claim (the sentence's subject before a verb of saying)."""
    if toks:
        m = None
        for m2 in _SAY_KO.finditer(text, c.start, c.end):
            m = m2
        if m is None:
            return None, None
        # NAME TITLE은 "…" 라고 말했다: the titled person before the topic marker speaks
        for t in toks:
            if t.tag in ("JX", "JKS") and t.form in ("은", "는", "이", "가"):
                for mt in mentions:
                    if mt.title_end == t.start and not _quote_before(text, c.start, t.start):
                        canon = people.resolve(mt.name)
                        return Facet("attribution", text[mt.start : t.start], canon,
                                     mt.start, t.start), canon
                break
        # speaker = a person mention, or the subject noun phrase before 은/는/이/가
        subj = c.subject
        for t_i, t in enumerate(toks):
            if t.tag in ("JX", "JKS") and t.form in ("은", "는", "이", "가"):
                words_start = t.start
                k = t_i - 1
                while k >= 0 and toks[k].tag in ("NNG", "NNP", "SL", "NNB") and (
                    k == t_i - 1 or toks[k + 1].start - toks[k].end <= 1
                ):
                    words_start = toks[k].start
                    k -= 1
                cand = text[words_start : t.start].strip()
                if cand and not any(q in cand for q in "“\"”"):
                    if _quote_before(text, c.start, t.start):
                        continue
                    return (
                        Facet("attribution", cand, _person_key(cand, people), words_start,
                              t.start),
                        _person_key(cand, people),
                    )
        if subj:
            return None, _person_key(subj, people)
        return None, None
    seg = text[c.start : c.end]
    for m in _SAY_EN.finditer(seg):
        for g in ("who1", "who2", "who3"):
            if m.group(g):
                who = m.group(g)
                if who in ("The", "It", "He", "She", "They", "We"):
                    continue
                s = c.start + m.start(g)
                return (
                    Facet("attribution", who, _person_key(who, people), s, s + len(who)),
                    _person_key(who, people),
                )
    return None, None


def _quote_before(text: str, start: int, pos: int) -> bool:
    seg = text[start:pos]
    return seg.count("“") > seg.count("”") or seg.count('"') % 2 == 1


def _person_key(phrase: str, people: _People) -> str:
    """The canonical person named in ``phrase`` (its title dropped), else the phrase."""
    words = phrase.split()
    for w in words:
        if w in people.full:
            return people.full[w]
    joined = " ".join(words[:2])
    return people.full.get(joined, phrase)


def _modality(text: str) -> str | None:
    if _PLANNED.search(text):
        return "planned"
    if _DONE.search(text):
        return "done"
    return None


def _predicate_facets(text: str, start: int, end: int) -> list[Facet]:
    seg = text[start:end]
    out = []
    for m in _PRED_KO.finditer(seg):
        obj = _PRED_OBJECTS[m.group("obj")]
        verb = _PRED_VERBS[m.group("verb")]
        s, e = start + m.start(), start + m.end()
        out.append(Facet("predicate", text[s:e], f"{obj}:{verb}", s, e, obj))
    for m in _PRED_EN.finditer(seg):
        obj_raw = (m.group("obj") or m.group("obj2") or "").lower()
        verb_raw = (m.group("verb") or m.group("verb2") or "").lower()
        obj = _PRED_OBJECTS.get(obj_raw, obj_raw.rstrip("s"))
        verb = _PRED_VERBS.get(verb_raw)
        if verb is None:
            for stem, cls in (("promot", "promote"), ("boost", "promote"), ("expand", "promote"),
                              ("restrict", "restrict"), ("curb", "restrict"), ("ban", "restrict"),
                              ("control", "restrict"), ("eas", "ease"), ("relax", "ease"),
                              ("tighten", "tighten")):
                if verb_raw.startswith(stem):
                    verb = cls
                    break
        if verb is None:
            continue
        s, e = start + m.start(), start + m.end()
        out.append(Facet("predicate", text[s:e], f"{obj}:{verb}", s, e, obj))
    return out


def annotate(article: Article, claims: list[Claim]) -> list[Claim]:
    """Return ``claims`` with their facets filled in."""
    text = article.text
    ref = _article_date(article)
    people = _collect_people(article, claims)
    by_claim: dict[int, list[Mention]] = {}
    for m in people.mentions:
        by_claim.setdefault(m.start, []).append(m)
    out: list[Claim] = []
    for c in claims:
        toks = _tokens(c.text, c.start)
        facets: list[Facet] = []
        mentions = [m for m in people.mentions if c.start <= m.start < c.end]
        person_spans: list[tuple[int, int]] = []
        seen_person: set[int] = set()
        for m in mentions:
            canon = people.resolve(m.name)
            if m.start not in seen_person:
                facets.append(Facet("person", m.name, canon, m.start, m.end))
                seen_person.add(m.start)
            person_spans.append((m.start, m.end))
            if m.title and m.title_start is not None and m.title_end is not None:
                facets.append(
                    Facet("title", m.title, title_key(m.title), m.title_start, m.title_end, canon)
                )
        # bare mentions of known names (no title next to them)
        for name, canon in people.full.items():
            if len(name) < 2 or (len(name) < 3 and _is_hangul(name)):
                continue
            for mm in re.finditer(re.escape(name), c.text):
                s = c.start + mm.start()
                if any(a <= s < b for a, b in person_spans):
                    continue
                if _is_hangul(name) and mm.end() < len(c.text) and not re.match(
                    r"[\s은는이가과와의을를에도,.()“\"]", c.text[mm.end()]
                ):
                    continue
                nxt = re.match(r"\s+(\S+)", c.text[mm.end():])
                if nxt and nxt.group(1).rstrip("은는이가의을를,.").endswith(ORG_SUFFIX_KO):
                    continue  # 트럼프 행정부: the name qualifies an organisation
                facets.append(Facet("person", name, canon, s, s + len(name)))
                person_spans.append((s, s + len(name)))
        dates = _date_facets(text, c.start, c.end, ref)
        facets += dates
        facets += _number_facets(text, c.start, c.end, [(f.start, f.end) for f in dates])
        facets += _doc_type_facets(text, c.start, c.end)
        facets += _place_facets(text, c.start, c.end, toks)
        facets += _org_facets(text, c.start, c.end, toks, person_spans)
        facets += _predicate_facets(text, c.start, c.end)
        attribution, speaker = _attribution(text, c, toks, people, mentions)
        if attribution is not None:
            facets.append(attribution)
        facets += _quote_facets(text, c, speaker)
        mod = _modality(c.text)
        if mod is not None:
            facets.append(Facet("modality", c.text, mod, c.start, c.end))
        facets.sort(key=lambda f: (f.start, f.end, f.type))
        out.append(replace(c, facets=tuple(facets)))
    return out


def person_aliases(claims: list[Claim], article: Article) -> dict[str, str]:
    """Cross-script links stated in the text: ``윤서진 (Yoon Seo-jin)`` -> both ways."""
    people = _collect_people(article, claims)
    links: dict[str, str] = {}
    for m in people.mentions:
        if m.alias:
            canon = people.resolve(m.name)
            links[m.alias] = canon
            links[canon] = canon
    return links
