"""Writes that tie strategy passages to scores: link and unlink evidence, dismiss or restore
a suggestion, keep a working translation of a linked passage.

Linking fills the score's evidence (the passage's text) and location ("p. 12, ¶ 45")
through score_save, so it is versioned and in the item's history like any edit. It appends
to what is saved now, under the score's row lock, and so never overwrites anyone's text;
an editor whose page holds an older version is told of the change on their next save.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctframework import languages
from strategies.models import Passage

from .models import MAX_TRANSLATION, EvidenceLink, Score
from .services import ScoreInput, assessment_lock_for_editing, score_save

EVIDENCE_SEPARATOR = "\n\n"
LOCATION_SEPARATOR = "; "


def _locked_score(score: Score, user) -> Score:
    """The score, row-locked after its assessment (the order score_save locks in)."""
    assessment_lock_for_editing(
        assessment_id=score.assessment_id,
        user=user,
        refusal=_("You cannot change the evidence of this assessment in its current state."),
    )
    # Only the score's row: its level is a nullable join, which PostgreSQL cannot lock.
    return (
        Score.objects.select_for_update(of=("self",))
        .select_related("level", "assessment")
        .get(pk=score.pk)
    )


def _check_passage(score: Score, passage: Passage) -> None:
    if passage.strategy_id != score.assessment.strategy_id:
        raise ValidationError({"passage": _("This passage is not from the assessed strategy.")})
    if passage.kind != Passage.Kind.PARAGRAPH:
        raise ValidationError({"passage": _("Headings cannot be linked as evidence.")})


def _save_quote(score: Score, user, *, evidence: str, location: str) -> None:
    """Save the score with new evidence and location, the rest as it is saved now."""
    score_save(
        score=score,
        user=user,
        expected_version=score.version,
        data=ScoreInput(
            level=score.level,
            justification=score.justification,
            evidence=evidence,
            location=location,
            recommendation=score.recommendation,
        ),
    )


def _joined(current: str, addition: str, separator: str) -> str:
    if addition in current.split(separator):
        return current
    return f"{current}{separator}{addition}" if current.strip() else addition


def _without(current: str, removal: str, separator: str) -> str:
    parts = current.split(separator)
    if removal in parts:
        parts.remove(removal)
    return separator.join(parts)


def evidence_link(
    *, score: Score, passage: Passage, user, from_suggestion: bool = False
) -> EvidenceLink:
    """Link a passage to a score as evidence and add its text and location to the score.

    A passage already linked stays linked once; a dismissed suggestion becomes evidence.
    """
    with transaction.atomic():
        current = _locked_score(score, user)
        _check_passage(current, passage)
        link = EvidenceLink.objects.filter(score=current, passage=passage).first()
        if link is not None and link.status == EvidenceLink.Status.LINKED:
            return link
        location = passage.location
        _save_quote(
            current,
            user,
            evidence=_joined(current.evidence, passage.text, EVIDENCE_SEPARATOR),
            location=_joined(current.location, location, LOCATION_SEPARATOR),
        )
        if link is None:
            link = EvidenceLink(score=current, passage=passage)
        link.status = EvidenceLink.Status.LINKED
        link.location = location
        link.from_suggestion = from_suggestion
        link.created_by = user
        link.save()
    return link


def evidence_unlink(*, link: EvidenceLink, user) -> None:
    """Remove a link. For evidence, the passage's text and location leave the score too,
    where they still stand as they were added, unless another linked passage of the score
    has the same words or the same location (an annex repeating a paragraph): those stay.
    A dismissed suggestion may be suggested again. Removing a link twice is harmless."""
    with transaction.atomic():
        current = _locked_score(link.score, user)
        link = EvidenceLink.objects.select_related("passage").filter(pk=link.pk).first()
        if link is None:  # already removed, by another click or another tab
            return
        if link.status == EvidenceLink.Status.LINKED:
            others = list(
                EvidenceLink.objects.filter(score=current, status=EvidenceLink.Status.LINKED)
                .exclude(pk=link.pk)
                .select_related("passage")
            )
            evidence, location = current.evidence, current.location
            if link.passage.text not in {other.passage.text for other in others}:
                evidence = _without(evidence, link.passage.text, EVIDENCE_SEPARATOR)
            if link.location not in {other.location for other in others}:
                location = _without(location, link.location, LOCATION_SEPARATOR)
            _save_quote(current, user, evidence=evidence, location=location)
        link.delete()


def suggestion_dismiss(*, score: Score, passage: Passage, user) -> EvidenceLink:
    """Record that a suggested passage does not address the score's principle; it is not
    suggested for it again. A passage linked as evidence is unlinked first, not dismissed."""
    with transaction.atomic():
        current = _locked_score(score, user)
        _check_passage(current, passage)
        link, _created = EvidenceLink.objects.get_or_create(
            score=current,
            passage=passage,
            defaults={"status": EvidenceLink.Status.DISMISSED, "created_by": user},
        )
        if link.status == EvidenceLink.Status.LINKED:
            raise ValidationError(
                {"passage": _("This passage is linked as evidence; unlink it instead.")}
            )
    return link


def evidence_translate(
    *, link: EvidenceLink, text: str, language: str, user, previous: str | None = None
) -> EvidenceLink:
    """Keep the assessor's working translation of a linked passage (empty text removes it).

    `previous` is the translation the editor's page showed: when someone saved another one
    meanwhile, the save is refused with a message rather than overwriting theirs.
    """
    text = text.strip()
    if len(text) > MAX_TRANSLATION:
        raise ValidationError(
            _("A working translation has at most %(count)s characters.")
            % {"count": languages.number(MAX_TRANSLATION)}
        )
    if text and language not in languages.CODES:
        raise ValidationError(_("Choose the language of the translation."))
    with transaction.atomic():
        _locked_score(link.score, user)
        current = EvidenceLink.objects.select_for_update().filter(pk=link.pk).first()
        if current is None or current.status != EvidenceLink.Status.LINKED:
            raise ValidationError(_("Only a passage linked as evidence can have a translation."))
        if previous is not None and previous.strip() != current.translation:
            raise ValidationError(
                _(
                    "Someone saved another translation of this passage meanwhile; reload the "
                    "page to see it before saving yours."
                )
            )
        current.translation = text
        current.translation_language = language if text else ""
        current.translated_by = user if text else None
        current.translated_at = timezone.now() if text else None
        current.save()
    return current
