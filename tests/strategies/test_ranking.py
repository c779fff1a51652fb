"""The lexical ranking behind the suggestions: stemming, weights, the thesaurus, exclusions."""

import pytest

from strategies.ranking import PassageIndex, QueryBuilder, index_terms, passage_terms

pytestmark = pytest.mark.core

PASSAGES = {
    1: ("Survivors and bereaved families will receive a case manager.", "Support after attacks"),
    2: ("The financial intelligence unit traces money sent to armed groups.", "Financing"),
    3: ("Youth workers run sports clubs in the outer estates.", "Prevention"),
    4: ("The coast is 610 kilometres long and the climate is mild.", "Geography"),
}


def index() -> PassageIndex:
    return PassageIndex(
        [(pk, passage_terms(text, heading)) for pk, (text, heading) in PASSAGES.items()]
    )


def ranked(query: dict, **kwargs) -> list[int]:
    return [r.passage_id for r in index().rank(query, **kwargs)]


def test_terms_are_stemmed_lower_case_content_words():
    assert index_terms("The Victims' rights, and victim support") == [
        "victim",
        "right",
        "victim",
        "support",
    ]


def test_passage_terms_keep_the_heading_apart():
    assert passage_terms("Money trails", "Financing") == "money trail | financ"


def test_a_principle_finds_the_passage_that_shares_its_words():
    query = QueryBuilder().add("Terrorist financing and money flows", 1.0).build()
    assert ranked(query)[0] == 2


def test_the_thesaurus_reaches_a_passage_in_other_words():
    """ "Victims" is not in the passage; the concept's "survivors" and "bereaved" are."""
    plain = QueryBuilder().add("Assistance to victims of terrorism", 1.0).build()
    assert 1 not in ranked(plain)
    expanded = QueryBuilder().add("Assistance to victims of terrorism", 1.0).expand().build()
    assert ranked(expanded)[0] == 1


def test_expansion_weighs_less_than_the_principles_own_words():
    query = QueryBuilder().add("victims", 1.0).expand(0.5).build()
    assert query["victim"] == 1.0
    assert query["survivor"] == 0.5


def test_excluded_passages_are_never_returned_and_the_limit_holds():
    query = QueryBuilder().add("survivors money youth coast", 1.0).build()
    assert set(ranked(query, limit=4)) == {1, 2, 3, 4}
    assert 2 not in ranked(query, limit=4, exclude={2})
    assert len(ranked(query, limit=2)) == 2


def test_a_query_sharing_no_word_finds_nothing_and_an_empty_index_too():
    assert ranked(QueryBuilder().add("cryptography", 1.0).build()) == []
    assert PassageIndex([]).rank({"victim": 1.0}) == []


# Other languages ---------------------------------------------------------------------------


def test_each_language_is_stemmed_with_its_own_stemmer():
    assert index_terms("victimes", "fr") == index_terms("victime", "fr")
    assert index_terms("víctimas", "es") == index_terms("víctima", "es")
    assert index_terms("жертвам", "ru") == index_terms("жертвы", "ru")
    # Arabic: the article, the diacritics and the hamza on the alef make no difference.
    assert index_terms("الإرهابِ", "ar") == index_terms("ارهاب", "ar") == ["ارهاب"]


def test_chinese_is_indexed_by_character_pairs():
    assert index_terms("恐怖主义受害者", "zh-hans") == [
        "恐怖",
        "怖主",
        "主义",
        "义受",
        "受害",
        "害者",
    ]
    assert index_terms("UNODC 培训", "zh-hans") == ["unodc", "培训"]


def test_an_english_query_is_carried_into_the_passages_language():
    russian = PassageIndex(
        [
            (1, passage_terms("Семьи погибших получают психологическую помощь.", "", "ru")),
            (2, passage_terms("Протяженность побережья составляет 610 километров.", "", "ru")),
        ],
        languages=frozenset({"ru"}),
    )
    english = QueryBuilder().add("Assistance to families", 1.0)
    assert russian.rank(english.build()) == []  # no Russian word in it
    carried = english.translate({"ru"}).build(languages=2)
    assert [r.passage_id for r in russian.rank(carried)] == [1]
    assert {"assist", "famili"} <= set(carried)  # the English terms stay
