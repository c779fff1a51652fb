"""Languages of strategies, documents and passages: the strategy's free-text language becomes
one of the six UN languages (or empty: detected from the documents), and every passage
extracted before is detected, and indexed for search and ranking in its own language."""

from babel import Locale, UnknownLocaleError
from django.db import migrations, models

from strategies.language_detection import detect_languages, main_language
from strategies.ranking import passage_terms
from strategies.text_search import index_for_search

CODES = ("ar", "zh-hans", "en", "fr", "ru", "es")


def language_code(value: str) -> str:
    """ "fr", "FR", "fr-FR", "French", "français" → "fr"; "" for anything else."""
    value = value.strip()
    if not value:
        return ""
    try:
        code = Locale.parse(value.replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        code = ""
        for candidate in CODES:
            locale = Locale.parse(candidate.replace("-", "_"))
            names = {locale.get_display_name("en").lower(), locale.get_display_name().lower()}
            names.add(locale.get_language_name("en").lower())
            names.add(locale.get_language_name().lower())
            if value.lower() in names:
                code = locale.language
    code = "zh-hans" if code == "zh" else code
    return code if code in CODES else ""


def languages_of_strategies_and_passages(apps, schema_editor):
    Strategy = apps.get_model("strategies", "Strategy")
    Document = apps.get_model("strategies", "StrategyDocument")
    Passage = apps.get_model("strategies", "Passage")
    unknown = []
    for strategy in Strategy.objects.exclude(language=""):
        code = language_code(strategy.language)
        if code != strategy.language:
            if not code:
                unknown.append(f"strategy {strategy.pk}: {strategy.language!r}")
            Strategy.objects.filter(pk=strategy.pk).update(language=code)
    if unknown:
        print("\n  Languages that are not one of the six UN languages, now detected instead:")
        for line in unknown:
            print(f"    {line}")
    for document in Document.objects.filter(status="ready"):
        passages = list(document.passages.order_by("position").only("pk", "text", "heading"))
        languages = detect_languages([passage.text for passage in passages])
        for passage, language in zip(passages, languages, strict=True):
            passage.language = language
            passage.terms = passage_terms(passage.text, passage.heading, language)
        Passage.objects.bulk_update(passages, ["language", "terms"], batch_size=500)
        document.detected_language = main_language(document.passages.all())
        document.save(update_fields=["detected_language"])
    for strategy in Strategy.objects.all():
        ready = Passage.objects.filter(strategy=strategy, document__status="ready")
        strategy.detected_language = main_language(ready)
        strategy.save(update_fields=["detected_language"])
    index_for_search(Passage.objects.all())


class Migration(migrations.Migration):
    dependencies = [
        ("strategies", "0011_field_names_translated"),
    ]

    operations = [
        migrations.AddField(
            model_name="passage",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ar", "Arabic"),
                    ("zh-hans", "Chinese"),
                    ("en", "English"),
                    ("fr", "French"),
                    ("ru", "Russian"),
                    ("es", "Spanish"),
                ],
                max_length=20,
                verbose_name="language",
            ),
        ),
        migrations.AddField(
            model_name="strategy",
            name="detected_language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ar", "Arabic"),
                    ("zh-hans", "Chinese"),
                    ("en", "English"),
                    ("fr", "French"),
                    ("ru", "Russian"),
                    ("es", "Spanish"),
                ],
                editable=False,
                help_text="The language most of the strategy's documents are in, as detected.",
                max_length=20,
                verbose_name="detected language",
            ),
        ),
        migrations.AddField(
            model_name="strategydocument",
            name="detected_language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ar", "Arabic"),
                    ("zh-hans", "Chinese"),
                    ("en", "English"),
                    ("fr", "French"),
                    ("ru", "Russian"),
                    ("es", "Spanish"),
                ],
                editable=False,
                help_text="The language most of the document is in, as detected on extraction.",
                max_length=20,
                verbose_name="detected language",
            ),
        ),
        migrations.AddField(
            model_name="strategydocument",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ar", "Arabic"),
                    ("zh-hans", "Chinese"),
                    ("en", "English"),
                    ("fr", "French"),
                    ("ru", "Russian"),
                    ("es", "Spanish"),
                ],
                help_text="Set by an assessor when the detected language is wrong.",
                max_length=20,
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="strategy",
            name="language",
            field=models.CharField(
                blank=True,
                choices=[
                    ("ar", "Arabic"),
                    ("zh-hans", "Chinese"),
                    ("en", "English"),
                    ("fr", "French"),
                    ("ru", "Russian"),
                    ("es", "Spanish"),
                ],
                help_text="The language of the strategy's text; leave empty to detect it from the documents.",
                max_length=20,
                verbose_name="language",
            ),
        ),
        migrations.RunPython(languages_of_strategies_and_passages, migrations.RunPython.noop),
    ]
