"""Invented material for the report tests: a ``crosscheck.report/1`` dict, and article files
for runs through the real pipeline.

:func:`make_report`: four outlets (two Korean, one English, one hostile) cover an invented
battery deal. Offsets are computed from the texts, so ``quote == text[start:end]`` always
holds. One article carries an astral character (🔋) before its claims, so code-point vs
UTF-16 slips would show; one carries HTML/JS injection in its text, outlet name, a quote, a
subject and a note. ``make_report(extended=True)`` adds the fields later pipelines produce
(events, divergence tiers, what the values are of, independent sources, copies and wire
agencies, new/changed since the last run), injection included.

:func:`write_corpus`: a folder of invented articles (English and Korean) about an invented
tram line, any number of outlets, a few giving another figure or date (miscopied the usual
ways: a power of ten, another month, swapped digits), some a detail of their own.
"""

from __future__ import annotations

import copy
import hashlib
from pathlib import Path
from typing import Any

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(1)>'
GENERATED_AT = "2031-04-03T09:00:00+09:00"

_A1 = (
    "메뉴 | 로그인 | 구독\n"
    "한빛에너지, 포르투갈 배터리社와 유럽 공급망 협약\n\n"
    "한빛에너지와 포르투갈 루시타니아배터리는 1일 리스본에서 업무협약(MOU)을 체결했다.\n"
    '박서연 한빛에너지 대표는 "유럽 공급망의 첫걸음"이라고 말했다.\n'
    "두 회사는 2032년까지 12억 달러를 투자할 계획이다.\n"
    "새 공장은 세투발에 들어선다.\n"
    "ⓒ 한빛일보 무단전재 및 재배포 금지\n"
)
_A2 = (
    "🔋 Energy desk\n"
    "Hanbit Energy and Lusitania Battery signed a binding supply agreement in Lisbon on April 1.\n"
    'Hanbit Energy CEO Park Seo-yeon called it "a first step for Europe\'s supply chain".\n'
    "The companies have invested $1.5 billion, the statement said.\n"
    "The plant will be built in Setúbal.\n"
    "Share this article | Related stories\n"
)
_A3 = (
    "[새벽뉴스] 한빛에너지, 루시타니아배터리와 업무협약\n"
    "한빛에너지와 루시타니아배터리가 업무협약을 맺었다.\n"
    "박서연 한빛에너지 부사장이 서명했다.\n"
    "투자 규모는 12억 달러다.\n"
    "공장 부지는 포르투 인근으로 알려졌다.\n"
    "한국 정부는 수출보증 지원을 검토하고 있다.\n"
)
_A4 = (
    f"{XSS_SCRIPT} Breaking\n"
    f"Lusitania Battery said the deal {XSS_IMG} was worth $1.2 billion.\n"
    "Local officials said 800 jobs would follow.\n"
)

OUTLET_XSS = f"{XSS_IMG} Daily"

_ARTICLES: list[dict[str, Any]] = [
    {
        "key": "a1",
        "outlet": "한빛일보",
        "title": "한빛에너지, 포르투갈 배터리社와 유럽 공급망 협약",
        "published": "2031-04-02",
        "language": "ko",
        "primary": True,
        "text": _A1,
        "format": "md",
        "byline": "김하늘 기자",
    },
    {
        "key": "a2",
        "outlet": "Harbor Times",
        "title": "Hanbit and Lusitania sign battery deal",
        "published": "2031-04-01T18:30:00+00:00",
        "language": "en",
        "primary": False,
        "text": _A2,
        "format": "html",
        "byline": "By J. Doe",
    },
    {
        "key": "a3",
        "outlet": "새벽뉴스",
        "title": "한빛에너지, 루시타니아배터리와 업무협약",
        "published": "2031-04-02",
        "language": "ko",
        "primary": False,
        "text": _A3,
        "format": "txt",
        "byline": None,
    },
    {
        "key": "a4",
        "outlet": OUTLET_XSS,
        "title": f"{XSS_SCRIPT} deal",
        "published": "2031-04-02",
        "language": "en",
        "primary": False,
        "text": _A4,
        "format": "txt",
        "byline": None,
    },
]

# (article key, sentence, [(facet type, surface, normalized, subject)])
_CLAIMS: list[tuple[str, str, list[tuple[str, str, str, str | None]]]] = [
    (
        "a1",
        "한빛에너지와 포르투갈 루시타니아배터리는 1일 리스본에서 업무협약(MOU)을 체결했다.",
        [
            ("organization", "한빛에너지", "Hanbit Energy", None),
            ("place", "리스본", "Lisbon", None),
            ("document_type", "업무협약(MOU)", "MOU", None),
            ("date", "1일", "2031-04-01", None),
        ],
    ),
    (
        "a1",
        '박서연 한빛에너지 대표는 "유럽 공급망의 첫걸음"이라고 말했다.',
        [("person", "박서연", "Park Seo-yeon", None), ("title", "대표", "CEO", "박서연")],
    ),
    (
        "a1",
        "두 회사는 2032년까지 12억 달러를 투자할 계획이다.",
        [("money", "12억 달러", "USD 1200000000", None), ("date", "2032년", "2032", None)],
    ),
    ("a1", "새 공장은 세투발에 들어선다.", [("place", "세투발", "Setúbal", None)]),
    (
        "a2",
        "Hanbit Energy and Lusitania Battery signed a binding supply agreement in Lisbon on "
        "April 1.",
        [
            ("organization", "Hanbit Energy", "Hanbit Energy", None),
            ("document_type", "binding supply agreement", "agreement", None),
            ("place", "Lisbon", "Lisbon", None),
            ("date", "April 1", "2031-04-01", None),
        ],
    ),
    (
        "a2",
        'Hanbit Energy CEO Park Seo-yeon called it "a first step for Europe\'s supply chain".',
        [
            ("person", "Park Seo-yeon", "Park Seo-yeon", None),
            ("title", "CEO", "CEO", "Park Seo-yeon"),
        ],
    ),
    (
        "a2",
        "The companies have invested $1.5 billion, the statement said.",
        [("money", "$1.5 billion", "USD 1500000000", None)],
    ),
    ("a2", "The plant will be built in Setúbal.", [("place", "Setúbal", "Setúbal", None)]),
    (
        "a3",
        "한빛에너지와 루시타니아배터리가 업무협약을 맺었다.",
        [("document_type", "업무협약", "MOU", None)],
    ),
    (
        "a3",
        "박서연 한빛에너지 부사장이 서명했다.",
        [
            ("person", "박서연", "Park Seo-yeon", None),
            ("title", "부사장", "vice president", "박서연"),
        ],
    ),
    ("a3", "투자 규모는 12억 달러다.", [("money", "12억 달러", "USD 1200000000", None)]),
    ("a3", "공장 부지는 포르투 인근으로 알려졌다.", [("place", "포르투 인근", "near Porto", None)]),
    (
        "a3",
        "한국 정부는 수출보증 지원을 검토하고 있다.",
        [("organization", "한국 정부", "Korean government", None)],
    ),
    (
        "a4",
        f"Lusitania Battery said the deal {XSS_IMG} was worth $1.2 billion.",
        [("money", "$1.2 billion", "USD 1200000000", None)],
    ),
    ("a4", "Local officials said 800 jobs would follow.", [("number", "800 jobs", "800", None)]),
]

# (article key, chrome text, reason)
_REMOVED = [
    ("a1", "메뉴 | 로그인 | 구독\n", "navigation"),
    ("a1", "ⓒ 한빛일보 무단전재 및 재배포 금지\n", "copyright line"),
    ("a2", "Share this article | Related stories\n", "share links"),
    ("a4", f"{XSS_SCRIPT} Breaking\n", "boilerplate"),
]

# (finding key, kind, facet, subject, summary, severity, confidence, new, review, values)
# values: (claim index, value surface, normalized, modality)
_FINDINGS: list[dict[str, Any]] = [
    {
        "key": "doc",
        "kind": "diverge",
        "facet": "document_type",
        "subject": "한빛에너지–루시타니아배터리",
        "summary": "MOU or binding agreement? The outlets name the signed document differently.",
        "severity": 3,
        "confidence": 0.92,
        "new": False,
        "review": None,
        "values": [
            (0, "업무협약(MOU)", "MOU", "done"),
            (4, "binding supply agreement", "agreement", "done"),
            (8, "업무협약", "MOU", "done"),
        ],
    },
    {
        "key": "money",
        "kind": "diverge",
        "facet": "money",
        "subject": "investment",
        "summary": "Investment: USD 1.2 billion planned vs USD 1.5 billion already invested.",
        "severity": 3,
        "confidence": 0.74,
        "new": True,
        "review": None,
        "values": [
            (2, "12억 달러", "USD 1200000000", "planned"),
            (6, "$1.5 billion", "USD 1500000000", "done"),
            (10, "12억 달러", "USD 1200000000", None),
            (13, "$1.2 billion", "USD 1200000000", None),
        ],
    },
    {
        "key": "title",
        "kind": "diverge",
        "facet": "title",
        "subject": "박서연 (Park Seo-yeon)",
        "summary": "Park Seo-yeon's title: CEO vs vice president.",
        "severity": 2,
        "confidence": 0.81,
        "new": False,
        "review": {
            "status": "confirmed",
            "note": "회사 보도자료 확인: 대표가 맞음",
            "history": [
                {
                    "at": "2031-04-02T10:00:00+09:00",
                    "status": "confirmed",
                    "note": "회사 보도자료 확인: 대표가 맞음",
                    "by": "desk",
                }
            ],
        },
        "values": [
            (1, "대표", "CEO", None),
            (5, "CEO", "CEO", None),
            (9, "부사장", "vice president", None),
        ],
    },
    {
        "key": "place",
        "kind": "diverge",
        "facet": "place",
        "subject": XSS_SCRIPT,
        "summary": "Plant site: Setúbal vs near Porto.",
        "severity": 2,
        "confidence": 0.6,
        "new": True,
        "review": {"status": "dismissed", "note": f"{XSS_IMG} {XSS_SCRIPT}", "history": []},
        "values": [
            (3, "세투발", "Setúbal", "planned"),
            (7, "Setúbal", "Setúbal", "planned"),
            (11, "포르투 인근", "near Porto", None),
        ],
    },
    {
        "key": "guarantee",
        "kind": "add_detail",
        "facet": "organization",
        "subject": "한국 정부",
        "summary": "Only 새벽뉴스 reports that Seoul is weighing export guarantees.",
        "severity": 1,
        "confidence": 0.7,
        "new": True,
        "review": None,
        "values": [(12, "한국 정부", "Korean government", "planned")],
    },
    {
        "key": "jobs",
        "kind": "add_detail",
        "facet": "number",
        "subject": XSS_IMG,
        "summary": f"Only one outlet mentions 800 jobs {XSS_SCRIPT}",
        "severity": 1,
        "confidence": 0.55,
        "new": False,
        "review": None,
        "values": [(14, "800 jobs", "800", "planned")],
    },
    {
        "key": "lisbon",
        "kind": "agree",
        "facet": "place",
        "subject": "signing",
        "summary": "Signed in Lisbon.",
        "severity": 0,
        "confidence": 0.9,
        "new": False,
        "review": None,
        "values": [(0, "리스본", "Lisbon", None), (4, "Lisbon", "Lisbon", None)],
    },
    {
        "key": "date",
        "kind": "agree",
        "facet": "date",
        "subject": "signing",
        "summary": "Signed on April 1.",
        "severity": 0,
        "confidence": 0.85,
        "new": False,
        "review": None,
        "values": [(0, "1일", "2031-04-01", None), (4, "April 1", "2031-04-01", None)],
    },
]


def _id(*parts: object) -> str:
    """A short stable id like the pipeline's content ids."""
    return hashlib.sha256("\x00".join(map(str, parts)).encode()).hexdigest()[:12]


def make_report(extended: bool = False) -> dict[str, Any]:
    """A fresh report dict (deep-copied, so tests may mutate it); ``extended`` adds the
    fields of :func:`extend` (the shape of later pipelines)."""
    arts: dict[str, dict[str, Any]] = {}
    for a in _ARTICLES:
        aid = _id("article", a["key"])
        arts[a["key"]] = {
            "id": aid,
            "path": f"articles/{a['key']}.{a['format']}",
            "outlet": a["outlet"],
            "title": a["title"],
            "published": a["published"],
            "language": a["language"],
            "primary": a["primary"],
            "sha256": hashlib.sha256(a["text"].encode()).hexdigest(),
            "n_claims": 0,
            "format": a["format"],
            "byline": a["byline"],
            "text": a["text"],
            "meta": {
                "outlet": {"value": a["outlet"], "source": "front matter"},
                "published": {"value": a["published"], "source": "dateline"},
            },
        }
    claims = []
    for key, sentence, facets in _CLAIMS:
        art = arts[key]
        start = art["text"].index(sentence)
        end = start + len(sentence)
        fs = []
        for ftype, surface, norm, subj in facets:
            fstart = art["text"].index(surface, start)
            fs.append(
                {
                    "type": ftype,
                    "value": surface,
                    "normalized": norm,
                    "start": fstart,
                    "end": fstart + len(surface),
                    "subject": subj,
                }
            )
        claims.append(
            {
                "id": _id("claim", key, start),
                "article_id": art["id"],
                "text": sentence,
                "start": start,
                "end": end,
                "sentence_start": start,
                "sentence_end": end,
                "subject": None,
                "facets": fs,
            }
        )
        art["n_claims"] += 1
    key_of = {a["id"]: k for k, a in arts.items()}
    findings = []
    for f in _FINDINGS:
        values = []
        for ci, surface, norm, modality in f["values"]:
            c = claims[ci]
            text = arts[key_of[c["article_id"]]]["text"]
            vs = text.index(surface, c["start"])
            values.append(
                {
                    "article_id": c["article_id"],
                    "value": surface,
                    "normalized": norm,
                    "claim_id": c["id"],
                    "quote": text[c["start"] : c["end"]],
                    "start": c["start"],
                    "end": c["end"],
                    "value_start": vs,
                    "value_end": vs + len(surface),
                    "modality": modality,
                }
            )
        review = f["review"] or {"status": "open", "note": "", "history": []}
        findings.append(
            {
                "id": _id("finding", f["key"]),
                "kind": f["kind"],
                "facet": f["facet"],
                "subject": f["subject"],
                "summary": f["summary"],
                "severity": f["severity"],
                "confidence": f["confidence"],
                "cluster_ids": [_id("cluster", f["key"])],
                "new": f["new"],
                "review": review,
                "values": values,
            }
        )
    removed = []
    for key, chrome, reason in _REMOVED:
        text = arts[key]["text"]
        s = text.index(chrome)
        removed.append(
            {"article_id": arts[key]["id"], "start": s, "end": s + len(chrome), "reason": reason}
        )
    a1, a2, a3 = arts["a1"]["id"], arts["a2"]["id"], arts["a3"]["id"]
    entities = [
        {
            "id": _id("entity", "park"),
            "type": "person",
            "canonical": "박서연 (Park Seo-yeon)",
            "mentions": [
                {
                    "article_id": a1,
                    "surface": "박서연",
                    "titles": ["대표"],
                    "claim_ids": [claims[1]["id"]],
                },
                {
                    "article_id": a2,
                    "surface": "Park Seo-yeon",
                    "titles": ["CEO"],
                    "claim_ids": [claims[5]["id"]],
                },
                {
                    "article_id": a3,
                    "surface": "박서연",
                    "titles": ["부사장"],
                    "claim_ids": [claims[9]["id"]],
                },
            ],
        },
        {
            "id": _id("entity", "hanbit"),
            "type": "organization",
            "canonical": "한빛에너지",
            "mentions": [
                {
                    "article_id": a1,
                    "surface": "한빛에너지",
                    "titles": [],
                    "claim_ids": [claims[0]["id"]],
                },
                {
                    "article_id": a2,
                    "surface": "Hanbit Energy",
                    "titles": [],
                    "claim_ids": [claims[4]["id"]],
                },
            ],
        },
    ]
    clusters = [
        {
            "id": f["cluster_ids"][0],
            "claim_ids": [v["claim_id"] for v in f["values"]],
            "article_ids": sorted({v["article_id"] for v in f["values"]}),
        }
        for f in findings
    ]
    counts = {
        k: sum(1 for f in findings if f["kind"] == k) for k in ("agree", "add_detail", "diverge")
    }
    errors = [
        {"path": "articles/broken.html", "reason": "no text could be extracted"},
        {"path": "articles/latin1.txt", "reason": f"undecodable bytes {XSS_SCRIPT}"},
    ]
    report = {
        "schema": "crosscheck.report/1",
        "generated_at": GENERATED_AT,
        "model": "intfloat/multilingual-e5-small",
        "pipeline_version": "1",
        "summary": {
            "n_articles": len(arts),
            "n_claims": len(claims),
            "n_clusters": len(clusters),
            "findings": counts,
            "new_findings": sum(1 for f in findings if f["new"]),
            "reused_articles": 1,
            "processed_articles": 3,
            "embedded_claims": 11,
            "reused_vectors": 4,
            "errors": len(errors),
        },
        "articles": list(arts.values()),
        "claims": claims,
        "clusters": clusters,
        "findings": findings,
        "entities": entities,
        "removed": removed,
        "errors": errors,
    }
    if extended:
        extend(report)
    return copy.deepcopy(report)


EVENT_LABELS = {"deal": "Hanbit–Lusitania battery deal",
                "guarantee": f"Export guarantees {XSS_SCRIPT}"}
WIRE_XSS = f"{XSS_SCRIPT} Wire"
# finding key -> (event key or None, tier or None, what, change)
_EXTENDED: dict[str, tuple[str | None, str | None, str | None, str | None]] = {
    "doc": ("deal", None, "", None),
    "money": ("deal", "likely", "the investment", "new"),
    "title": ("deal", "possible", None, None),
    "place": ("deal", "possible", f"the plant site {XSS_IMG}", "changed"),
    "guarantee": ("guarantee", None, None, "new"),
    "jobs": (None, None, None, None),
    "lisbon": ("deal", None, None, None),
    "date": ("deal", None, None, None),
}


def finding_id(key: str) -> str:
    """The id :func:`make_report` gives the finding of ``key`` (doc, money, title, ...)."""
    return _id("finding", key)


def article_id(key: str) -> str:
    """The id :func:`make_report` gives the article of ``key`` (a1 ... a4)."""
    return _id("article", key)


def extend(report: dict[str, Any]) -> None:
    """Add, in place, the fields later pipelines produce: two events (and one finding in
    none), tiers, ``what``, independent sources (새벽뉴스 copies 한빛일보 on the instrument),
    copies and wire agencies, and new/changed marks with their counts."""
    a1, a2, a3, a4 = (article_id(k) for k in ("a1", "a2", "a3", "a4"))
    for a in report["articles"]:
        a["copies_of"] = a1 if a["id"] == a3 else None
        a["wire"] = {a2: "Atlantic Press Agency", a4: WIRE_XSS}.get(a["id"])
    report["events"] = [
        {"id": "ev-deal", "label": EVENT_LABELS["deal"], "article_ids": [a1, a2, a3, a4],
         "dates": ["2031-04-01", "2031-04-02"], "n_findings": 6},
        {"id": "ev-guarantee", "label": EVENT_LABELS["guarantee"], "article_ids": [a3],
         "dates": ["2031-04-02"], "n_findings": 1},
    ]
    key_of = {finding_id(k): k for k in _EXTENDED}
    for f in report["findings"]:
        event, tier, what, change = _EXTENDED[key_of[f["id"]]]
        f["event_id"] = f"ev-{event}" if event else None
        if tier:
            f["tier"] = tier
        if what is not None:
            f["what"] = what
        f["change"] = change
    doc = next(f for f in report["findings"] if f["id"] == finding_id("doc"))
    doc["independent_sources"] = {"count": 2, "groups": [
        {"source": a1, "copies": [a3]}, {"source": a2, "copies": []}]}
    money = next(f for f in report["findings"] if f["id"] == finding_id("money"))
    money["independent_sources"] = {"count": 4, "groups": [
        {"source": a, "copies": []} for a in (a1, a2, a3, a4)]}
    s = report["summary"]
    s["new_findings"] = sum(1 for f in report["findings"] if f.get("change") == "new")
    s["changed_findings"] = sum(1 for f in report["findings"] if f.get("change") == "changed")
    s["likely_divergences"] = sum(1 for f in report["findings"]
                                  if f["kind"] == "diverge" and f.get("tier") != "possible")
    s["possible_divergences"] = sum(1 for f in report["findings"] if f.get("tier") == "possible")


# --------------------------------------------------------------------------- article files

_EN_NAMES = [f"{a} {b}" for a in ("Riverside", "Granite", "Copper", "Willow", "Beacon", "Falcon",
                                  "Meadow", "Harbor")
             for b in ("Courier", "Gazette", "Chronicle", "Observer", "Dispatch")]
_KO_NAMES = [f"{a}{b}" for a in ("은하", "솔빛", "푸른", "한결", "바다")
             for b in ("일보", "신문", "뉴스")]

# (template, default value, other value, which outlets give the other: i % m == r). The other
# values differ the way a miscopied value does (a power of ten, another month of the same
# day, two digits swapped) or clash (Mayor / Governor): divergences the slot comparison
# reports, not merely two different figures.
_EN_FACTS: list[tuple[str, str, str, tuple[int, int]]] = [
    ("The Lumen county council approved {v} for the new Aldervale tram line on Tuesday.",
     "$48 million", "$480 million", (50, 3)),
    ("Construction of the tram line will begin on {v}.", "June 3, 2031", "July 3, 2031", (50, 5)),
    ("{v} Irena Kovac presented the plan at the town hall.", "Mayor", "Governor", (13, 6)),
    ("The project is expected to create about {v} jobs.", "1,250", "1,520", (50, 6)),
    ("The line will have {v} stops between the harbour and the university.", "14", "14", (1, 0)),
    ('Kovac said the tram would "change how Aldervale moves".', "", "", (1, 0)),
]
_KO_FACTS: list[tuple[str, str, str, tuple[int, int]]] = [
    ("루멘 카운티 의회는 화요일 알더베일 트램 노선 예산 {v}를 승인했다.",
     "4800만 달러", "4억8000만 달러", (5, 1)),
    ("트램 노선 공사는 {v} 시작된다.", "2031년 6월 3일", "2031년 7월 3일", (6, 2)),
    ("이 사업으로 약 {v}개의 일자리가 생길 것으로 예상된다.", "1250", "1520", (7, 3)),
]
_EN_DETAILS = [
    "The tram cars will be built by Nordline Works in Vessel Bay.",
    "A public hearing on the route is scheduled for May 20, 2031.",
    "Local shop owners said they feared two years of road closures.",
    "The old ferry pier will be turned into a tram depot.",
    "Tickets will cost $2 per ride, the council said.",
    "Cyclists asked for a protected lane beside the tracks.",
    "The university offered land for a terminus near its library.",
    "A heritage group wants the 1911 bandstand moved, not demolished.",
    "Night service will run until 1 a.m. on weekends.",
    "The regional rail operator Tessaro will run the line for ten years.",
    "Engineers will test the overhead wires in a 400-metre trial section.",
    "Two bus routes will be cut once the tram opens.",
    "The council expects 18,000 riders a day in the first year.",
]
_KO_DETAILS = [
    "트램 차량은 노드라인웍스가 베셀베이 공장에서 제작한다.",
    "노선에 관한 공청회는 2031년 5월 20일 열린다.",
    "주민들은 공사 기간 교통 혼잡을 우려했다.",
    "시는 개통 첫해 하루 1만8000명이 이용할 것으로 내다봤다.",
]


def corpus_article(i: int, n: int = 50, variant: int = 0) -> tuple[str, str]:
    """Article ``i`` of an ``n``-outlet invented corpus: (file name, text). Three quarters
    write in English, a quarter in Korean; a few outlets give another budget (a power of
    ten off), start date (another month), job count (two digits swapped) or title than the
    rest; every third adds a detail of its own. ``variant`` changes the article (a run after
    it changed sees other figures)."""
    n_ko = min(len(_KO_NAMES), n // 4)
    ko = i >= n - n_ko
    name = _KO_NAMES[i - (n - n_ko)] if ko else _EN_NAMES[i % len(_EN_NAMES)] + (
        f" {i // len(_EN_NAMES) + 1}" if i >= len(_EN_NAMES) else "")
    lines = []
    for k, (template, usual, other, (m, r)) in enumerate(_KO_FACTS if ko else _EN_FACTS):
        if (i + k) % 5 == 0 and k:
            continue  # not every outlet states every fact
        value = other if (i + variant) % m == r and m > 1 else usual
        lines.append(template.format(v=value))
    details = _KO_DETAILS if ko else _EN_DETAILS
    if i % 3 == 0 and i // 3 < len(details) + (n - n_ko) // 3:
        lines.append(details[(i // 3) % len(details)])
    title = "알더베일 트램 예산 승인" if ko else "Aldervale tram line approved"
    text = (f"---\noutlet: {name}\ntitle: {title}\npublished: 2031-04-0{2 + i % 3}\n"
            f"language: {'ko' if ko else 'en'}\n---\n\n" + "\n\n".join(lines) + "\n")
    return f"{'ko' if ko else 'en'}-{i:02d}.md", text


def write_corpus(folder: Path, n: int = 50) -> list[Path]:
    """Write the ``n`` articles of :func:`corpus_article` into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        name, text = corpus_article(i, n)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def corpus_extra_article() -> tuple[str, str]:
    """An outlet joining the corpus of :func:`write_corpus` later: a third budget figure (a
    power of ten below the usual one) and a detail no one else gives. (file name, text)"""
    text = ("---\noutlet: Summit Ledger\ntitle: Tram line gets its budget\npublished: 2031-04-05\n"
            "language: en\n---\n\n"
            "The Lumen county council approved $4.8 million for the new Aldervale tram line on "
            "Tuesday.\n\nConstruction of the tram line will begin on June 3, 2031.\n\n"
            "A citizens' panel of 40 residents will advise on the station designs.\n")
    return "en-extra.md", text
