"""Stage 2b: typed facets of each claim, each with its own offsets and a normalised value.

Facet types: ``person``, ``title`` (subject = the person), ``organization``, ``place``,
``document_type``, ``number``, ``date``, ``quote`` (subject = the speaker), ``attribution``
(who says the claim), ``modality`` (planned / done) and ``predicate`` (a commitment's
direction: export *controls* vs export *promotion*).

``annotate(article, claims)`` is the entry point: it reads the whole article first, so that
short forms (``배 부총리``, ``Bae``) resolve to the full name given elsewhere in it.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from crosscheck.models import Article, Claim, Facet
from crosscheck.split import is_hangul_text, kiwi_tokens

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
    "부사장": "executive vice president",
    "부회장": "vice chairman",
    "전무": "executive director",
    "상무": "managing director",
    "사무총장": "secretary general",
    "총재": "governor",
    "의장": "chair",
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
    "진흥원", "개발원", "평가원", "정보원", "기술원", "과학원", "솔루션", "솔루션즈", "홀딩스",
    "중공업", "케미칼", "제약", "증권", "건설", "연합회", "상공회의소", "화학", "에너지",
    "물산", "바이오", "제철", "통신", "자동차", "항공", "해운", "상사", "머티리얼즈", "모터스",
    "반도체", "디스플레이", "생명", "보험", "엔지니어링", "일보", "신문", "방송",
)
# short names of ministries and agencies -> the full name (the gold's organization key)
ORG_ABBREV_KO: dict[str, str] = {
    "산업부": "산업통상자원부", "산자부": "산업통상자원부", "과기정통부": "과학기술정보통신부",
    "과기부": "과학기술정보통신부", "기재부": "기획재정부", "중기부": "중소벤처기업부",
    "국토부": "국토교통부", "농식품부": "농림축산식품부", "복지부": "보건복지부",
    "문체부": "문화체육관광부", "행안부": "행정안전부", "해수부": "해양수산부",
    "고용부": "고용노동부", "환경부": "환경부", "외교부": "외교부", "국방부": "국방부",
    "공정위": "공정거래위원회", "금융위": "금융위원회", "방통위": "방송통신위원회",
}
_ORG_APPOSITION_KO = {
    "기업", "업체", "회사", "기관", "단체", "스타트업", "협회", "대기업", "중견기업",
}
ORG_WORDS_EN = (
    "Ministry", "Department", "Office", "Agency", "Institute", "Center", "Centre", "Council",
    "Commission", "Corp", "Corporation", "Inc", "Ltd", "Group", "University", "Association",
    "Bank", "House", "Administration", "Foundation", "Authority", "Electronics", "Times", "Wire",
    "Solutions", "Alliance", "Holdings", "Industries", "Partners", "Federation", "Chamber",
    "Company", "Co", "Organization", "Organisation", "Commission",
)
PLACES: dict[str, str] = {
    "서울": "seoul", "부산": "busan", "경주": "gyeongju", "경북": "north gyeongsang",
    "인천": "incheon", "대구": "daegu", "대전": "daejeon", "광주": "gwangju", "울산": "ulsan",
    "세종": "sejong", "제주": "jeju", "수원": "suwon", "창원": "changwon", "포항": "pohang",
    "판교": "pangyo", "송도": "songdo", "여의도": "yeouido", "용산": "yongsan",
    "평택": "pyeongtaek",
    "워싱턴": "washington", "뉴욕": "new york", "도쿄": "tokyo", "베이징": "beijing",
    "오타와": "ottawa", "토론토": "toronto", "밴쿠버": "vancouver", "몬트리올": "montreal",
    "런던": "london", "파리": "paris", "브뤼셀": "brussels", "제네바": "geneva",
    "싱가포르": "singapore", "오사카": "osaka", "상하이": "shanghai", "홍콩": "hong kong",
    "캘거리": "calgary", "퀘벡": "quebec", "에드먼턴": "edmonton", "핼리팩스": "halifax",
    "온타리오": "ontario", "앨버타": "alberta", "브리티시컬럼비아": "british columbia",
    "서드버리": "sudbury", "위니펙": "winnipeg", "텍사스": "texas", "캘리포니아": "california",
    "조지아": "georgia", "미시간": "michigan", "테네시": "tennessee", "애리조나": "arizona",
}
PLACES_EN = {v.title(): v for v in PLACES.values()} | {"Washington, D.C.": "washington"}
# administrative suffixes written glued to a Korean place name (온타리오주, 수원시, 경기도)
_PLACE_SUFFIX_KO = ("주", "시", "도", "성", "군", "구")
_COUNTRIES_EN = {
    "Korea", "South Korea", "North Korea", "Canada", "Japan", "China", "Germany", "France",
    "Britain", "India", "Australia", "Russia", "Taiwan", "Europe", "America", "Asia",
    "United States", "U.S.", "US", "UK", "EU",
}
_NOT_PLACES_EN = {
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
    "Saturday", "Sunday", "The", "This", "That", "It", "English", "Korean", "French",
}


def place_key(surface: str) -> str:
    """The cross-language key of a place: 서울, 서울시 and Seoul all give ``seoul``.

    Places outside the lexicon keep their surface (lower-cased for Latin script).
    """
    name = surface.strip()
    if name in PLACES:
        return PLACES[name]
    if name in PLACES_EN:
        return PLACES_EN[name]
    if len(name) >= 3 and name.endswith(_PLACE_SUFFIX_KO) and name[:-1] in PLACES:
        return PLACES[name[:-1]]
    low = name.lower()
    return low if low in PLACES.values() else (name if _is_hangul(name) else low)

DOC_TYPES: list[tuple[str, str]] = [
    (r"양해\s*각서|업무\s*협약|\bMOUs?\b|\bMoUs?\b|memorand(?:um|a) of understanding", "mou"),
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
    r"(?<![\w.:])(?<![A-Za-z가-힣]-)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*"
    r"(?P<scale>[천백십]?(?:조|억|만)|천)?"
    r"(?:\s*(?P<num2>\d{1,4}(?:,\d{3})*)\s*(?P<scale2>[천백십]?(?:억|만)|천))?"
    r"(?P<yeo>여)?\s*"
    r"(?P<unit>캐나다달러|달러|원|명|개국|개사|개|곳|%|퍼센트|배|톤|가지|건|GWh|GW|MW|Tbps|km|일자리)?"
    r"(?P<post>\s*(?:가량|정도|안팎|내외))?"
    r"(?![A-Za-z0-9:])"
)
_EN_NUM = re.compile(
    r"(?P<cur>US\$|C\$|\$|₩|€|£)?(?<![\w.])(?<![A-Za-z]-)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
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
    # a month of a year (2027년 3월, March 2027), then a year alone (2027년까지, by 2027)
    re.compile(r"(?<!\d)(?P<ym>(?:19|20)\d{2})년\s*(?P<mo>\d{1,2})월(?!\s*\d)"),
    re.compile(_MON.replace("?P<mon>", "?P<mon2>") + r"\s+(?P<ym2>(?:19|20)\d{2})\b"),
    re.compile(r"(?<![\d.,])(?P<yo>(?:19|20)\d{2})년(?!\s*\d{1,2}월)"),
    re.compile(r"\b(?:in|by|for|from|until|since|before|after|through|early|late|mid-?)\s+"
               r"(?P<yo2>(?:19|20)\d{2})\b(?![,.]?\d)", re.IGNORECASE),
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_QUOTE = re.compile(r"“([^”]{6,}?)”|\"([^\"]{6,}?)\"")
_SAY_KO = re.compile(
    r"(밝혔|말했|전했|강조했|보도했|설명했|평가했|기대했|덧붙였|발표했|언급했|분석했|주장했|지적했"
    r"|밝힌|말한|전한|보도한|발표한|밝히|말하|전하|보도하|발표하)"
)
_CAP = r"[A-Z][\w.'\-]*"
_SOURCE_NOUN = (
    r"(?:officials?|spokes(?:person|man|woman)|sources?|analysts?|experts?|executives?|"
    r"researchers?|government|ministry|figures|data|statement|report|people|critics|"
    r"lawmakers|observers|residents|leaders|groups?|diplomats|economists|executives)"
)
_SAY_VERB = r"(?:said|says|told|announced|reported|stated|added|noted)"
_SAY_EN = re.compile(
    r"(?:(?P<who1>(?:(?:" + _CAP + r"|government|ministry|industry|trade|company)\s+){0,3}"
    r"(?:" + _CAP + r"|" + _SOURCE_NOUN + r")"
    r"(?:\s+(?:in|at|from|of|with)\s+(?:the\s+)?" + _CAP + r"(?:\s+" + _CAP + r")?)?)"
    r"\s+" + _SAY_VERB + r"\b)"
    r"|(?:\b" + _SAY_VERB + r"\s+(?P<who2>" + _CAP + r"(?:\s+" + _CAP + r"){0,3}))"
    r"|(?:according to\s+(?:the\s+)?(?P<who3>[\w'\-]+(?:\s+[\w'\-]+){0,4}?)(?=\s*[,.;:]|\s*$))"
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
    """Kiwi tokens of a Korean claim (absolute offsets); [] for a claim in another language."""
    return _tokens_batch([(text, offset)])[0]


def _tokens_batch(spans: list[tuple[str, int]]) -> list[list[_Tok]]:
    """``_tokens`` for many texts at once: one kiwi call (~3x faster than one per text)."""
    todo = [i for i, (t, _) in enumerate(spans) if is_hangul_text(t) and len(t) <= 4000]
    out: list[list[_Tok]] = [[] for _ in spans]
    if not todo:
        return out
    results = kiwi_tokens([spans[i][0] for i in todo])
    for i, toks in zip(todo, results, strict=True):
        off = spans[i][1]
        out[i] = [_Tok(f, g, off + a, off + b) for f, g, a, b in toks]
    return out


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


_SURNAMES_KO = set(
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천"
    "방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
_NOT_NAMES_KO = {
    "이번", "이날", "전날", "당시", "현재", "신임", "전임", "주요", "한편", "정부", "양국", "이후",
    "기존", "차기", "초대", "역대", "공동", "고위", "전직", "현직", "부처", "관계", "주재", "방한",
}


def _name_word_before(text: str, toks: list[_Tok], lo: int, pos: int) -> tuple[int, int] | None:
    """The span of a Korean personal name written as its own word before a title.

    Walks back over organisation words (``박서준 기획재정부 장관``); kiwi often cuts an
    unknown name into syllables, so the name is found from the spacing and a surname list.
    """
    words = list(re.finditer(r"\S+", text[lo:pos]))
    for w in reversed(words[-3:]):
        word = w.group(0)
        ws, we = lo + w.start(), lo + w.end()
        if word in TITLES_KO or _is_org_like(word):
            continue
        if not (2 <= len(word) <= 4 and all("\uac00" <= ch <= "\ud7a3" for ch in word)):
            return None
        if word[0] not in _SURNAMES_KO or word in _NOT_NAMES_KO or word in COUNTRIES_KO:
            return None
        inside = [t for t in toks if ws <= t.start < we]
        if len(inside) == 1 and inside[0].tag != "NNP":
            return None  # one dictionary word (신임, 이번 ...), not a name
        return ws, we
    return None


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
            if t.tag == "NNP":
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
        if person is None and not joiner:
            span = _name_word_before(text, toks, toks[0].start, toks[j].start)
            if span is not None:
                out.append(
                    Mention(text[span[0] : span[1]], span[0], span[1], title, toks[j].start,
                            toks[j].end)
                )
                continue
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
        out.append(Mention(text[s:e], s, e, title, toks[j].start, toks[j].end, alias))
    return out


_EN_NAME = r"[A-Z][a-z]+(?:-[a-z]+)?(?:\s+[A-Z][a-z]+(?:-[a-z]+)?){1,2}"
_EN_TITLE_WORDS = "|".join(sorted((re.escape(t) for t in TITLES_EN), key=lambda t: (-len(t), t)))
_EN_BEFORE = re.compile(
    r"(?P<title>(?:(?:[A-Z][a-z]+|[A-Z]{2,})\s+){0,3}?(?i:" + _EN_TITLE_WORDS + r"))\s+"
    r"(?P<name>" + _EN_NAME + r")"
)
_EN_AFTER = re.compile(
    r"(?P<name>" + _EN_NAME + r"),\s+(?:(?:the|a|an|his|her|[A-Z][\w.]*'s|[A-Za-z]+)\s+){0,4}?"
    r"(?P<title>(?i:" + _EN_TITLE_WORDS + r"))\b"
)
# "Minister of Trade, Industry and Energy, Yoon Seo-jin": the title, its portfolio, the name
_EN_OF = re.compile(
    r"\b(?P<title>(?i:" + _EN_TITLE_WORDS + r"))\s+(?:of|for)\s+(?:the\s+)?"
    r"[A-Z][^.;()\"“”]{1,60}?,\s+"
    r"(?P<name>" + _EN_NAME + r")\b"
)
# words before a title that say whose it is, not what it is: "South Korean Vice Minister"
_TITLE_QUALIFIERS = {
    "the", "a", "an", "south", "north", "korean", "korea", "canadian", "canada", "american",
    "japanese", "chinese", "british", "french", "german", "u.s.", "us", "then", "and", "but",
}
_ALIAS_AFTER = re.compile(r"\s*\(([^()]{2,40})\)")
_NOT_NAMES = {
    "The", "This", "That", "South", "North", "Korea", "Canada", "United", "States", "Minister",
    "President", "Director", "Ministry", "Department", "Office", "Technology", "Prosperity",
}


def _en_mentions(text: str, start: int, end: int) -> list[Mention]:
    seg = text[start:end]
    out: list[Mention] = []
    for rx in (_EN_OF, _EN_BEFORE, _EN_AFTER):
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
            if any(o.start == ns for o in out):
                continue
            ts, te = start + m.start("title"), start + m.end("title")
            # drop leading words that say whose title it is (South Korean ...), keep the
            # portfolio (Natural Resources Minister)
            while True:
                w = re.match(r"(\S+)\s+", text[ts:te])
                if w is None or w.group(1).lower() not in _TITLE_QUALIFIERS:
                    break
                ts += w.end()
            alias = None
            am = _ALIAS_AFTER.match(text, ns + len(name))
            if am and _is_hangul(am.group(1)):
                alias = am.group(1).strip()
            out.append(Mention(name, ns, ns + len(name), text[ts:te], ts, te, alias))
    return out


def _en_title_key(title: str) -> str | None:
    low = title.lower()
    for t in sorted(TITLES_EN, key=lambda t: (-len(t), t)):
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


def _collect_people(
    article: Article, claims: list[Claim], tokens: list[list[_Tok]] | None = None
) -> _People:
    text = article.text
    mentions: list[Mention] = []
    if tokens is None:
        tokens = _tokens_batch([(c.text, c.start) for c in claims])
    for c, toks in zip(claims, tokens, strict=True):
        if toks:
            mentions += _ko_mentions(text, toks)
        else:
            mentions += _en_mentions(text, c.start, c.end)
    full: dict[str, str] = {}
    names = sorted({m.name for m in mentions}, key=lambda n: (-len(n), n))  # ties: by name
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


_KO_SUBSCALE = {"십": Decimal(10), "백": Decimal(100), "천": Decimal(1_000)}


def _scale_of(word: str) -> Decimal:
    """The multiplier of a scale word: 억 -> 1e8, 천만 -> 1e7, million -> 1e6."""
    if word in _SCALES:
        return _SCALES[word]
    if len(word) == 2 and word[0] in _KO_SUBSCALE and word[1] in _SCALES:
        return _KO_SUBSCALE[word[0]] * _SCALES[word[1]]
    return Decimal(1)


_APPROX_KO = re.compile(r"(?:약|대략|거의|무려|최소|최대)\s*$")
_APPROX_EN = re.compile(
    r"\b(?:about|around|approximately|nearly|some|roughly|almost|more than|over|up to|"
    r"less than|at least)\s+$",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"\s*(?:~|∼|–|-|to|and)\s*$")


@dataclass
class _Num:
    start: int
    end: int
    value: Decimal
    unit: str
    scale: str
    approx: bool
    plain: bool  # no unit, no scale, no decimal point: "3" in "3~5억 달러"


def _parse_numbers(text: str, start: int, end: int) -> list[_Num]:
    """Every figure in [start, end) with its value scaled (3억 -> 300000000) and unit."""
    seg = text[start:end]
    ko = is_hangul_text(seg)
    rx = _KO_NUM if ko else _EN_NUM
    out: list[_Num] = []
    for m in rx.finditer(seg):
        s, e = start + m.start(), start + m.end()
        while e > s and text[e - 1].isspace():
            e -= 1
        try:
            value = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:
            continue
        scale = (m.group("scale") or "").lower()
        if scale:
            value *= _scale_of(scale)
        gd = m.groupdict()
        if gd.get("num2"):
            value += Decimal(gd["num2"].replace(",", "")) * _scale_of(gd["scale2"] or "")
        unit_raw = (gd.get("unit") or gd.get("pct") or "").lower()
        cur = (gd.get("cur") or "").lower()
        unit = _UNITS.get(cur) or _UNITS.get(unit_raw, unit_raw)
        approx_rx = _APPROX_KO if ko else _APPROX_EN
        approx = bool(approx_rx.search(text, max(start, s - 16), s)) or bool(
            gd.get("yeo") or (gd.get("post") or "").strip()
        )
        plain = not unit and not scale and "." not in m.group("num")
        out.append(_Num(s, e, value, unit, scale, approx, plain))
    return out


def _number_facets(text: str, start: int, end: int, taken: list[tuple[int, int]]) -> list[Facet]:
    """Figures with their unit: ``3억 달러`` -> ``300000000 USD``; ``약`` / ``about`` -> ``~``;
    ranges (``3~5억 달러``, ``10-20 percent``) -> ``lo-hi unit``."""
    nums = [n for n in _parse_numbers(text, start, end)
            if not any(a <= n.start < b for a, b in taken)]
    out: list[Facet] = []
    i = 0
    while i < len(nums):
        n = nums[i]
        nxt = nums[i + 1] if i + 1 < len(nums) else None
        if nxt is not None and _RANGE_JOIN.match(text[n.end : nxt.start]) and (
            n.unit in ("", nxt.unit)
        ):
            gap = text[n.end : nxt.start]
            is_and = gap.strip() == "and"
            between = is_and and re.search(
                r"\bbetween\s+\S*$", text[max(start, n.start - 12) : n.start]
            )
            if gap.strip() in ("~", "∼", "–", "-") or between:
                lo = n.value
                if n.plain and nxt.scale:
                    lo *= _scale_of(nxt.scale)
                if lo < nxt.value:
                    s = n.start
                    if between:
                        s = text.rindex("between", start, n.start)
                    approx = "~" if (n.approx or nxt.approx) else ""
                    norm = f"{approx}{format_decimal(lo)}-{format_decimal(nxt.value)} {nxt.unit}"
                    out.append(Facet("number", text[s : nxt.end], norm.strip(), s, nxt.end))
                    i += 2
                    continue
        i += 1
        if n.plain and n.value < 10:
            continue  # a bare small integer ("3 areas") is rarely a checkable figure
        if not n.unit and 1900 <= n.value <= 2100 and not n.scale:
            continue  # a year
        approx = "~" if n.approx else ""
        norm = f"{approx}{format_decimal(n.value)} {n.unit}".strip()
        out.append(Facet("number", text[n.start : n.end], norm, n.start, n.end))
    return out


def _resolve_date(gd: dict[str, str | None], ref: date | None) -> str | None:
    if gd.get("yo") or gd.get("yo2"):
        return gd.get("yo") or gd.get("yo2")
    if gd.get("ym") or gd.get("ym2"):
        mo = int(gd["mo"] or 0) if gd.get("mo") else _MONTHS.get((gd.get("mon2") or "").lower())
        if not mo or not 1 <= mo <= 12:
            return None
        return f"{gd.get('ym') or gd.get('ym2')}-{mo:02d}"
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
        if rel == "next":
            d = ref + timedelta(days=(target - ref.weekday()) % 7 or 7)
        return d.isoformat()
    day = int(gd["d"] or 0)
    month: int | None = None
    if gd.get("m"):
        month = int(gd["m"] or 0)
    elif gd.get("mon"):
        month = _MONTHS.get((gd["mon"] or "").lower().rstrip("."))
    year = int(gd["y"] or 0) if gd.get("y") else None
    if month is None:
        if ref is None:
            return None
        month, year = ref.month, ref.year
        rel = gd.get("rel") or ""
        if (rel == "지난" and day > ref.day) or (not rel and day > ref.day + 7):
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


def _doc_type_of(phrase: str) -> str | None:
    """The document type a whole phrase names (``MOU`` -> ``mou``), else None."""
    for pattern, norm in DOC_TYPES:
        if re.fullmatch(pattern, phrase.strip(), re.IGNORECASE):
            return norm
    return None


_PAREN_AFTER = re.compile(r"\s*\(([^()]{2,40})\)")


def _doc_type_facets(text: str, start: int, end: int) -> list[Facet]:
    """Document types named in [start, end); ``양해각서(MOU)`` is one facet, not two."""
    seg = text[start:end]
    out: list[Facet] = []
    taken: list[tuple[int, int]] = []
    for pattern, norm in DOC_TYPES:
        for m in re.finditer(pattern, seg, re.IGNORECASE):
            s, e = start + m.start(), start + m.end()
            if any(a < e and s < b for a, b in taken):
                continue
            paren = _PAREN_AFTER.match(text, e, end)
            if paren and _doc_type_of(paren.group(1)) == norm:
                e = paren.end()
            taken.append((s, e))
            out.append(Facet("document_type", text[s:e], norm, s, e))
    return out


_EN_PLACE_CONTEXT = re.compile(
    r"\b(?:in|at|near|from|to)\s+(?:the\s+)?(?P<name>[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)"
    r"(?=\s+(?:area|region|province|city)\b|\s*[,.;:)]|\s+(?:on|in|at|and|later|this|last|next"
    r"|by|for|with|to|after|before)\b|\s*$)"
)


@lru_cache(maxsize=1)
def _places_en_rx() -> list[tuple[str, re.Pattern[str]]]:
    """English place names, longest first, each with its word-bounded pattern."""
    return [
        (name, re.compile(r"\b" + re.escape(name) + r"\b"))
        for name in sorted(PLACES_EN, key=lambda n: (-len(n), n))
    ]


def _place_facets(text: str, start: int, end: int, toks: list[_Tok]) -> list[Facet]:
    """Places: lexicon names (서울, 온타리오주, Seoul) and ``X에서`` / ``in X`` phrases.

    ``normalized`` is :func:`place_key`, shared by both languages (서울 and Seoul -> seoul).
    """
    out: list[Facet] = []
    seen: set[int] = set()
    if toks:
        for i, t in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if t.form in PLACES:
                e = t.end
                if (
                    nxt is not None and nxt.start == t.end and nxt.form in _PLACE_SUFFIX_KO
                    and nxt.tag in ("NNG", "NNB", "XSN")
                ):
                    e = nxt.end  # 온타리오주, 수원시
                out.append(Facet("place", text[t.start : e], place_key(t.form), t.start, e))
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
                out.append(Facet("place", t.form, place_key(t.form), t.start, t.end))
    else:
        seg = text[start:end]
        for name, rx in _places_en_rx():
            if name not in seg:  # the pattern is the name between word boundaries
                continue
            for m in rx.finditer(seg):
                s = start + m.start()
                if s in seen:
                    continue
                seen.add(s)
                out.append(Facet("place", name, place_key(name), s, s + len(name)))
        for m in _EN_PLACE_CONTEXT.finditer(seg):
            name = m.group("name")
            s = start + m.start("name")
            words = set(name.split())
            if (
                s in seen or name in _COUNTRIES_EN or words & _NOT_PLACES_EN
                or words & set(ORG_WORDS_EN) or words & _NOT_NAMES
            ):
                continue
            seen.add(s)
            out.append(Facet("place", name, place_key(name), s, s + len(name)))
    return out


_KO_WORD = re.compile(r"[가-힣A-Za-z0-9·&]+")


@lru_cache(maxsize=1)
def _org_en_rx() -> re.Pattern[str]:
    words = "|".join(ORG_WORDS_EN)
    return re.compile(
        r"\b(?:the\s+)?((?:[A-Z][\w&.'\-]*\s+){0,4}(?:" + words + r")\b"
        r"(?:\s+(?:of|for)\s+(?:[A-Z][\w\-]*\s*){1,4})?)"
    )


def _org_facets(
    text: str, start: int, end: int, toks: list[_Tok], person_spans: list[tuple[int, int]]
) -> list[Facet]:
    out: list[Facet] = []
    if toks:
        # a word (a run of letters) minus its particles; it names an org when it ends in an org
        # suffix (산업통상자원부, 진흥원) or follows 기업/기관 (소재 기업 한결에너지솔루션은)
        prev_word = ""
        starts = [t.start for t in toks]
        ordered = all(a <= b for a, b in itertools.pairwise(starts))
        for wm in _KO_WORD.finditer(text, start, end):
            ws, we = wm.start(), wm.end()
            if ordered:  # kiwi's tokens come in text order: a slice, not a scan
                inside = toks[bisect.bisect_left(starts, ws) : bisect.bisect_left(starts, we)]
            else:
                inside = [t for t in toks if ws <= t.start < we]
            stem_end = ws
            for t in inside:
                if t.tag.startswith(("J", "E", "V")) or t.tag in ("XSV", "XSA", "VCP"):
                    break
                if t.tag.startswith(("N", "S", "XSN", "XPN", "MAG")):
                    stem_end = t.end
            word = text[ws:stem_end]
            apposed = prev_word in _ORG_APPOSITION_KO and not word.endswith(
                ("관계자", "자", "측", "들", "원", "장")
            )
            prev_word = word
            if len(word) < 2 or not _is_hangul(word[0]) or word in TITLES_KO:
                continue
            is_org = (
                (len(word) >= 3 or word in ORG_ABBREV_KO)
                and word.endswith(ORG_SUFFIX_KO)
                and not word.endswith(("정부", "분", "부분", "내부", "외부", "일부", "전부"))
            ) or word in ORG_ABBREV_KO or (apposed and len(word) >= 3) or (
                len(inside) == 1 and inside[0].tag == "NNP" and len(word) >= 3
                and word.endswith("통신")
            )
            if is_org and not any(a <= ws < b for a, b in person_spans):
                out.append(Facet("organization", word, ORG_ABBREV_KO.get(word, word), ws, stem_end))
    else:
        seg = text[start:end]
        for m in _org_en_rx().finditer(seg):
            name = m.group(1).strip()
            if name.startswith("The "):
                name = name[4:]
            if len(name.split()) < 2:
                continue
            s = start + m.start(1) + (4 if m.group(1).startswith("The ") else 0)
            out.append(Facet("organization", name, name, s, s + len(name)))
    return out


def quote_key(words: str) -> str:
    """A quotation's comparison key: lower-cased words, punctuation and spacing collapsed."""
    return re.sub(r"[\s\W_]+", " ", words).strip().lower()


def _quote_facets(text: str, c: Claim, speaker: str | None) -> list[Facet]:
    out = []
    for m in _QUOTE.finditer(text, c.start, c.end):
        g = 1 if m.group(1) is not None else 2
        body = m.group(g)
        if " " not in body.strip():
            continue
        s, e = m.start(g), m.end(g)
        out.append(Facet("quote", text[s:e], quote_key(body), s, e, speaker))
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
                s = c.start + m.start(g)
                if who.startswith("The "):
                    who, s = who[4:], s + 4
                if who in ("The", "It", "He", "She", "They", "We", "I", "This", "That"):
                    continue
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
    if joined in people.full:
        return people.full[joined]
    # 산업부 관계자 -> 산업통상자원부 관계자
    return " ".join(ORG_ABBREV_KO.get(w, w) for w in words)


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
        kverb = _PRED_VERBS[m.group("verb")]
        s, e = start + m.start(), start + m.end()
        out.append(Facet("predicate", text[s:e], f"{obj}:{kverb}", s, e, obj))
    for m in _PRED_EN.finditer(seg):
        obj_raw = (m.group("obj") or m.group("obj2") or "").lower()
        verb_raw = (m.group("verb") or m.group("verb2") or "").lower()
        obj = _PRED_OBJECTS.get(obj_raw, obj_raw.rstrip("s"))
        verb: str | None = _PRED_VERBS.get(verb_raw)
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


def _names_regex(people: _People) -> re.Pattern[str] | None:
    """One pattern for every known name of an article (longest first), for bare mentions."""
    alts = []
    for name in sorted(people.full, key=lambda n: (-len(n), n)):
        if len(name) < 2 or (len(name) < 3 and _is_hangul(name)):
            continue
        alts.append(re.escape(name) if _is_hangul(name) else r"\b" + re.escape(name) + r"\b")
    return re.compile("|".join(alts)) if alts else None


def annotate(article: Article, claims: list[Claim]) -> list[Claim]:
    """Return ``claims`` with their facets filled in."""
    text = article.text
    ref = _article_date(article)
    all_tokens = _tokens_batch([(c.text, c.start) for c in claims])
    people = _collect_people(article, claims, all_tokens)
    ordered = sorted(people.mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]

    def mentions_in(a: int, b: int) -> list[Mention]:
        return ordered[bisect.bisect_left(starts, a) : bisect.bisect_left(starts, b)]

    names_rx = _names_regex(people)
    out: list[Claim] = []
    for c, toks in zip(claims, all_tokens, strict=True):
        facets: list[Facet] = []
        mentions = mentions_in(c.start, c.end)
        person_spans: list[tuple[int, int]] = []
        seen_person: set[int] = set()
        for m in mentions:
            canon = people.resolve(m.name)
            if m.start not in seen_person:
                pe = m.end
                if (
                    len(m.name) == 1
                    and m.title_end is not None
                    and m.title_start is not None
                    and 0 <= m.title_start - m.end <= 1
                ):
                    pe = m.title_end  # a lone surname is named with its title: 윤 장관
                facets.append(Facet("person", text[m.start : pe], canon, m.start, pe))
                seen_person.add(m.start)
            person_spans.append((m.start, m.end))
            if m.title and m.title_start is not None and m.title_end is not None:
                facets.append(
                    Facet("title", m.title, title_key(m.title), m.title_start, m.title_end, canon)
                )
        # bare mentions of known names (no title next to them)
        for mm in names_rx.finditer(c.text) if names_rx else ():
            name = mm.group(0)
            canon = people.full[name]
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
        if speaker is None and (c.sentence_start, c.sentence_end) != (c.start, c.end) and (
            _QUOTE.search(text, c.start, c.end)
        ):
            # 윤 장관은 "…"며 | "…"고 강조했다: the verb of saying is in another clause
            whole = replace(
                c, start=c.sentence_start, end=c.sentence_end,
                text=text[c.sentence_start : c.sentence_end],
            )
            s_mentions = mentions_in(whole.start, whole.end)
            _, speaker = _attribution(
                text, whole, _tokens(whole.text, whole.start), people, s_mentions
            )
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
