"""Mapping the strategy against the assessment: the reader, evidence links, suggestions
and the coverage map."""

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from strategies.models import Passage
from strategies.selectors import passage_id_param

from .. import permissions, suggestions
from ..evidence import evidence_link, evidence_translate, evidence_unlink, suggestion_dismiss
from ..models import Assessment, EvidenceLink, Score
from ..services import AssessmentLocked
from .checklist import _progress, _score_json


def _editable(request, pk: int) -> Assessment:
    """The assessment, if the user may change its evidence now; PermissionDenied otherwise
    (answered as JSON to the checklist script by the caller's decorator)."""
    assessment = _assessment_with_text(request.user, pk)
    if not permissions.can_edit_scores(request.user, assessment):
        raise PermissionDenied(_("You cannot change the evidence of this assessment."))
    return assessment


def _json_refusals(view):
    """The checklist script gets a refusal as JSON it can show, not an HTML error page."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            if request.headers.get("X-Autosave") != "1":
                raise
            message = str(exc) or _("You cannot change the evidence of this assessment.")
            return JsonResponse({"status": "locked", "message": message}, status=403)

    return wrapped


def _assessment_with_text(user, pk: int) -> Assessment:
    """The assessment, if the user may see both it and its strategy's text; 404 otherwise."""
    assessment = permissions.get_assessment_for_user(user, pk)
    if not permissions.can_read_strategy_text(user, assessment):
        raise Http404
    return assessment


def _passage(assessment: Assessment, passage_pk) -> Passage:
    try:
        pk = int(passage_pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(
        Passage.objects.select_related("document"), pk=pk, strategy_id=assessment.strategy_id
    )


@require_safe
def reader(request, pk: int):
    """The strategy passage by passage, each with the principles it is evidence for here;
    editors open a passage's link form (a fragment, loaded on demand) to link it."""
    assessment = _assessment_with_text(request.user, pk)
    query = request.GET.get("q", "").strip()
    shown = suggestions.reader(
        assessment,
        query=query,
        page=request.GET.get("page"),
        passage_id=passage_id_param(request.GET.get("passage")),
    )
    return render(
        request,
        "assessments/reader.html",
        {
            "assessment": assessment,
            "documents": shown.documents,
            "page": shown.page,
            "query": query,
            "can_edit": permissions.can_edit_scores(request.user, assessment),
        },
    )


@require_safe
def passage_link_form(request, pk: int, passage_pk: int):
    """The principles one passage can be linked to (those it is linked to are marked).

    A separate fragment, so the reader of a long strategy does not carry a list of every
    principle under every passage.
    """
    assessment = _editable(request, pk)
    passage = _passage(assessment, passage_pk)
    linked = set(
        EvidenceLink.objects.filter(
            passage=passage, score__assessment=assessment, status=EvidenceLink.Status.LINKED
        ).values_list("score_id", flat=True)
    )
    scores = (
        Score.objects.filter(assessment=assessment)
        .select_related("principle")
        .order_by("principle__order")
    )
    template = "assessments/passage_link_form.html"
    if request.htmx:
        template += "#link-form"
    return render(
        request,
        template,
        {"assessment": assessment, "passage": passage, "scores": scores, "linked": linked},
    )


def _panel(request, assessment: Assessment, score: Score) -> str:
    """The evidence panel of one checklist item, rendered again after a change."""
    score = (
        Score.objects.select_related("principle")
        .prefetch_related("principle__tags")
        .get(pk=score.pk)
    )
    score.links = suggestions.linked_passages([score]).get(score.pk, [])
    score.suggestions = suggestions.score_suggestions(assessment, [score]).get(score.pk, [])
    return render_to_string(
        "assessments/includes/evidence_panel.html",
        {"assessment": assessment, "score": score, "can_edit": True},
        request=request,
    )


def _answer(request, assessment, score, *, message: str, anchor: str, status=200, error=""):
    """JSON for the checklist script; otherwise a message and a redirect back."""
    if request.headers.get("X-Autosave") == "1":
        if error:
            return JsonResponse({"status": "invalid", "message": error}, status=status)
        current = Score.objects.select_related("level", "updated_by", "principle").get(pk=score.pk)
        return JsonResponse(
            {
                "status": "saved",
                "message": message,
                "score": _score_json(current),
                "progress": _progress(current),
                "panel": _panel(request, assessment, current),
            }
        )
    (messages.error if error else messages.success)(request, error or message)
    back = request.POST.get("next", "checklist")
    if back == "reader":
        # The reader is paginated: open the page that holds the passage.
        query = f"?passage={anchor.removeprefix('#passage-')}" if "#passage-" in anchor else ""
        return redirect(reverse("assessments:reader", args=[assessment.pk]) + query + anchor)
    return redirect(reverse("assessments:checklist", args=[assessment.pk]) + anchor)


def _scores_of(assessment: Assessment, ids) -> list[Score]:
    try:
        wanted = {int(i) for i in ids}
    except (TypeError, ValueError):
        raise Http404 from None
    scores = list(
        Score.objects.filter(assessment=assessment, pk__in=wanted).select_related("principle")
    )
    if len(scores) != len(wanted):
        raise Http404
    return scores


@require_POST
@_json_refusals
def evidence_link_view(request, pk: int):
    """Link one passage to one or more principles (`score` repeated) as evidence: all of
    them, or none when one is refused."""
    assessment = _editable(request, pk)
    passage = _passage(assessment, request.POST.get("passage"))
    scores = _scores_of(assessment, request.POST.getlist("score"))
    from_suggestion = request.POST.get("from_suggestion") == "1"
    anchor = f"#passage-{passage.pk}" if request.POST.get("next") == "reader" else ""
    if not scores:
        return _answer(
            request,
            assessment,
            None,
            message="",
            anchor=anchor,
            status=400,
            error=_("Choose at least one principle to link the passage to."),
        )
    if not anchor:
        anchor = f"#item-{scores[0].principle.code}"
    try:
        with transaction.atomic():
            for score in scores:
                evidence_link(
                    score=score,
                    passage=passage,
                    user=request.user,
                    from_suggestion=from_suggestion,
                )
    except (ValidationError, AssessmentLocked) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _answer(
            request, assessment, scores[0], message="", anchor=anchor, status=400, error=text
        )
    codes = ", ".join(score.principle.code for score in scores)
    message = _("%(location)s linked as evidence for %(codes)s.") % {
        "location": passage.location,
        "codes": codes,
    }
    return _answer(request, assessment, scores[0], message=message, anchor=anchor)


def _link_and_anchor(request, assessment: Assessment, link_pk: int) -> tuple[EvidenceLink, str]:
    """One of the assessment's links, and where the page goes back to after changing it."""
    link = get_object_or_404(
        EvidenceLink.objects.select_related("score__principle", "passage"),
        pk=link_pk,
        score__assessment=assessment,
    )
    if request.POST.get("next") == "reader":
        return link, f"#passage-{link.passage_id}"
    return link, f"#item-{link.score.principle.code}"


@require_POST
@_json_refusals
def evidence_unlink_view(request, pk: int, link_pk: int):
    """Remove an evidence link (its text leaves the score), or restore a dismissed one."""
    assessment = _editable(request, pk)
    link, anchor = _link_and_anchor(request, assessment, link_pk)
    try:
        evidence_unlink(link=link, user=request.user)
    except (ValidationError, AssessmentLocked) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _answer(
            request, assessment, link.score, message="", anchor=anchor, status=400, error=text
        )
    message = _("%(location)s unlinked from %(code)s.") % {
        "location": link.passage.location,
        "code": link.score.principle.code,
    }
    return _answer(request, assessment, link.score, message=message, anchor=anchor)


@require_POST
@_json_refusals
def evidence_translation_view(request, pk: int, link_pk: int):
    """Save (or, empty, remove) the assessor's working translation of a linked passage."""
    assessment = _editable(request, pk)
    link, anchor = _link_and_anchor(request, assessment, link_pk)
    try:
        evidence_translate(
            link=link,
            text=request.POST.get("translation", ""),
            language=request.POST.get("language", ""),
            previous=request.POST.get("previous"),
            user=request.user,
        )
    except (ValidationError, AssessmentLocked) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _answer(
            request, assessment, link.score, message="", anchor=anchor, status=400, error=text
        )
    message = _("Working translation of %(location)s saved.") % {"location": link.passage.location}
    return _answer(request, assessment, link.score, message=message, anchor=anchor)


@require_POST
@_json_refusals
def suggestion_dismiss_view(request, pk: int, score_pk: int):
    """Dismiss a suggested passage for one principle; it is not suggested for it again."""
    assessment = _editable(request, pk)
    score = get_object_or_404(
        Score.objects.select_related("principle"), pk=score_pk, assessment=assessment
    )
    passage = _passage(assessment, request.POST.get("passage"))
    anchor = f"#item-{score.principle.code}"
    try:
        suggestion_dismiss(score=score, passage=passage, user=request.user)
    except (ValidationError, AssessmentLocked) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        return _answer(
            request, assessment, score, message="", anchor=anchor, status=400, error=text
        )
    message = _("Suggestion dismissed for %(code)s.") % {"code": score.principle.code}
    return _answer(request, assessment, score, message=message, anchor=anchor)


@require_safe
def coverage(request, pk: int):
    """Which principles have evidence, which have none, and which passages map to none."""
    assessment = _assessment_with_text(request.user, pk)
    return render(
        request,
        "assessments/coverage.html",
        {
            "assessment": assessment,
            "coverage": suggestions.coverage(assessment, page=request.GET.get("page")),
        },
    )
