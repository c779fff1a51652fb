"""An evidence link remembers the location text it added to its score, so that unlinking takes
out exactly that text. Links made before are given the text they added then ("p. 12, ¶ 45",
the passage's position). In draft assessments, those locations now cite the document's own
paragraph number (strategies 0009): the score's location is rewritten, as a new version of
the score with a history entry, so an editor with an older page is told. Assessments in review,
shared or finalized keep the locations they have."""

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

SEPARATOR = "; "


def old_location(passage) -> str:
    """What a link added before this migration (the app had no translations then)."""
    if passage.page:
        return f"p. {passage.page}, ¶ {passage.position}"
    return f"¶ {passage.position}"


def new_location(passage) -> str:
    where = passage.number_label or f"passage {passage.position}"
    return f"p. {passage.page}, {where}" if passage.page else where


def locations_follow_the_document(apps, schema_editor):
    EvidenceLink = apps.get_model("assessments", "EvidenceLink")
    Score = apps.get_model("assessments", "Score")
    ScoreChange = apps.get_model("assessments", "ScoreChange")
    links = EvidenceLink.objects.filter(status="linked").select_related(
        "passage", "score__assessment"
    )
    renamed: dict[int, list[tuple[str, str]]] = {}
    for link in links:
        before = old_location(link.passage)
        if link.score.assessment.status == "draft":
            link.location = new_location(link.passage)
            if link.location != before:
                renamed.setdefault(link.score_id, []).append((before, link.location))
        else:
            link.location = before
        link.save(update_fields=["location"])
    for score in Score.objects.filter(pk__in=list(renamed)):
        parts = score.location.split(SEPARATOR)
        for before, after in renamed[score.pk]:
            parts = [after if part == before else part for part in parts]
        location = SEPARATOR.join(parts)
        if location == score.location:
            continue
        now = timezone.now()
        Score.objects.filter(pk=score.pk).update(
            location=location, version=F("version") + 1, updated_at=now
        )
        ScoreChange.objects.create(
            score_id=score.pk,
            version=score.version + 1,
            changed_by=None,
            changes={"location": [score.location, location]},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_score_location_for_many_passages"),
        ("strategies", "0009_passage_number_in_the_document"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencelink",
            name="location",
            field=models.CharField(blank=True, max_length=200, verbose_name="location"),
        ),
        migrations.RunPython(locations_follow_the_document, migrations.RunPython.noop),
    ]
