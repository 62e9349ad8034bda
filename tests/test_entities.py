"""One person across scripts and spellings: a Hangul name and the romanisations outlets use
(Revised Romanisation, McCune-Reischauer-ish, family spellings), and the names that must stay
apart. The names are common Korean names, not taken from any corpus page."""

from __future__ import annotations

import pytest

from crosscheck.entities import (
    looks_romanised_korean,
    person_groups,
    same_korean_name,
    same_romanised_name,
)
from crosscheck.models import Claim, Facet

SAME = [
    ("박대준", "Park Dae-jun"),
    ("박대준", "Bak Dae-joon"),
    ("이서연", "Lee Seo-yeon"),
    ("이서연", "Yi Seo-yon"),
    ("최민수", "Choi Min-su"),
    ("최민수", "Choe Min-soo"),
    ("정하늘", "Jung Ha-neul"),
    ("정하늘", "Chung Ha-nul"),
    ("윤지호", "Yoon Ji-ho"),
    ("유경민", "Ryu Kyung-min"),
    ("유경민", "Yoo Gyeong-min"),
    ("노태식", "Roh Tae-sik"),
    ("임가은", "Lim Ga-eun"),
    ("김영범", "Kim Young-bum"),
    ("김영범", "Kim Yeong-beom"),
]
DIFFERENT = [
    ("박대준", "Park Jae-dun"),  # the given name's syllables swapped
    ("김영범", "Kim Jung-kwan"),
    ("이서연", "Lee Seo-jin"),
    ("최민수", "Cho Min-su"),  # another surname
]


@pytest.mark.parametrize(("hangul", "latin"), SAME)
def test_a_hangul_name_matches_its_romanisations(hangul: str, latin: str) -> None:
    """Revised Romanisation alone spells none of these exactly as the outlets do (Park, Lee,
    Choi, -jun, -bum); the surname variants and the given name's consonant skeleton do."""
    assert same_korean_name(hangul, latin)


@pytest.mark.parametrize(("hangul", "latin"), DIFFERENT)
def test_different_people_stay_apart(hangul: str, latin: str) -> None:
    assert not same_korean_name(hangul, latin)


def test_two_romanisations_of_one_name_match_and_another_name_does_not() -> None:
    assert same_romanised_name("Kim Young-bum", "Kim Yong-beom")
    assert same_romanised_name("Yoo Kyung-min", "Ryu Gyeong-min")
    assert not same_romanised_name("Kim Young-bum", "Kim Jung-kwan")


def test_romanised_korean_names_are_told_from_other_latin_names() -> None:
    assert looks_romanised_korean("Park Dae-jun")
    assert not looks_romanised_korean("Howard Parker")


def _claim(cid: str, article: str, *names: str) -> Claim:
    text = " ".join(names) + " spoke."
    facets, at = [], 0
    for n in names:
        facets.append(Facet("person", n, n, at, at + len(n)))
        at += len(n) + 1
    return Claim(id=cid, article_id=article, text=text, start=0, end=len(text),
                 sentence_start=0, sentence_end=len(text), facets=tuple(facets))


def test_one_person_in_hangul_and_latin_is_one_entity_and_a_namesake_is_not() -> None:
    """Across articles the Hangul name and two romanisations become one entity; another
    person sharing the surname stays another."""
    canon = person_groups([_claim("c1", "a", "박대준"), _claim("c2", "b", "Park Dae-jun"),
                           _claim("c3", "c", "Bak Dae-joon"), _claim("c4", "d", "Park Jae-dun")])
    assert canon["박대준"] == canon["Park Dae-jun"] == canon["Bak Dae-joon"]
    assert canon.get("Park Jae-dun", "Park Jae-dun") != canon["박대준"]
