"""Migration strategies 0012: a strategy's free-text language becomes one of the six UN
languages where it can be read as one (else empty: detected), and the passages extracted
before are detected and indexed for search in their own language."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

BEFORE = [("strategies", "0011_field_names_translated")]
AFTER = [("strategies", "0012_text_languages")]
FRENCH = (
    "Le Gouvernement renforcera la coopération judiciaire avec les États voisins afin de "
    "poursuivre les auteurs d'actes terroristes."
)
ENGLISH = (
    "The Government will strengthen judicial cooperation with neighbouring States in order "
    "to prosecute the perpetrators of terrorist acts."
)


def test_languages_are_read_as_codes_and_old_passages_are_detected(migrated_to, capsys):
    old = migrated_to(BEFORE)
    Jurisdiction = old.get_model("strategies", "Jurisdiction")
    Strategy = old.get_model("strategies", "Strategy")
    malta = Jurisdiction.objects.create(code="MLT", name="Malta", kind="member-state")
    written = ["fr", "FR", "fr-FR", "French", "français", "zh", "Portuguese", "en and fr", ""]
    made = {
        value: Strategy.objects.create(
            jurisdiction=malta, title=f"S {value}", kind="national-ct", language=value
        )
        for value in written
    }
    document = old.get_model("strategies", "StrategyDocument").objects.create(
        strategy=made[""],
        original_name="s.txt",
        format="txt",
        size=1,
        sha256="a" * 64,
        status="ready",
    )
    Passage = old.get_model("strategies", "Passage")
    for position, text in enumerate([FRENCH, FRENCH, ENGLISH], start=1):
        Passage.objects.create(
            document=document, strategy=made[""], position=position, kind="paragraph", text=text
        )

    new = migrated_to(AFTER)
    Strategy = new.get_model("strategies", "Strategy")
    languages = {
        value: Strategy.objects.get(pk=strategy.pk).language for value, strategy in made.items()
    }
    assert languages == {
        "fr": "fr",
        "FR": "fr",
        "fr-FR": "fr",
        "French": "fr",
        "français": "fr",
        "zh": "zh-hans",
        "Portuguese": "",
        "en and fr": "",
        "": "",
    }
    printed = capsys.readouterr().out
    assert "'Portuguese'" in printed and "'en and fr'" in printed
    assert Strategy.objects.get(pk=made[""].pk).detected_language == "fr"
    Document = new.get_model("strategies", "StrategyDocument")
    assert Document.objects.get(pk=document.pk).detected_language == "fr"
    passages = new.get_model("strategies", "Passage").objects.order_by("position")
    assert [p.language for p in passages] == ["fr", "fr", "en"]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT search_vector = to_tsvector('french', text) FROM strategies_passage "
                "ORDER BY position"
            )
            assert [row[0] for row in cursor.fetchall()] == [True, True, False]
