"""The checklist: every principle of the framework with its score form, saved one by one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from .. import permissions, selectors, suggestions
from ..forms import ScoreForm
from ..models import Score
from ..services import AssessmentLocked, ScoreConflict, score_save


@require_safe
def checklist(request, pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    unscored_only = request.GET.get("show") == "unscored"
    tag = request.GET.get("tag", "")
    data = selectors.checklist(assessment, unscored_only=unscored_only, tag=tag)
    can_edit = permissions.can_edit_scores(request.user, assessment)
    mapping = can_edit and permissions.can_read_strategy_text(request.user, assessment)
    if mapping:
        _attach_evidence(assessment, [score for entry in data.sections for score in entry.items])
    return render(
        request,
        "assessments/checklist.html",
        {
            "assessment": assessment,
            "checklist": data,
            "can_edit": can_edit,
            "mapping": mapping,
            "can_see_history": permissions.can_see_history(request.user, assessment),
            "unscored_only": unscored_only,
            "tag": tag,
            "item_label": assessment.framework.tr("item_label"),
        },
    )


def _attach_evidence(assessment, scores: list[Score]) -> None:
    """Each shown item's linked passages and suggested ones (a fixed number of queries).

    Without a ready document there are no passages to suggest or to be linked: one query.
    """
    suggested = suggestions.score_suggestions(assessment, scores)
    links = suggestions.linked_passages(scores) if suggested else {}
    for score in scores:
        score.links = links.get(score.pk, [])
        score.suggestions = suggested.get(score.pk, [])


def _score_json(score: Score) -> dict:
    return {
        "version": score.version,
        "level": score.level_id,
        "level_label": str(score.level) if score.level_id else "",
        "justification": score.justification,
        "evidence": score.evidence,
        "location": score.location,
        "recommendation": score.recommendation,
        "updated_by": score.updated_by.get_username() if score.updated_by_id else "",
        "updated_at": score.updated_at.isoformat() if score.updated_at else None,
    }


def _progress(score: Score) -> dict:
    """Scored and total items, overall and in the score's section, in one query."""
    section = Q(principle__section_id=score.principle.section_id)
    scored = Q(level__isnull=False)
    counts = (
        Score.objects.filter(assessment_id=score.assessment_id)
        .assessable()
        .aggregate(
            total=Count("pk"),
            scored=Count("pk", filter=scored),
            section_total=Count("pk", filter=section),
            section_scored=Count("pk", filter=section & scored),
        )
    )
    return {**counts, "section_id": score.principle.section_id}


@require_POST
def score_save_view(request, pk: int, score_pk: int):
    """Save one item. Answers JSON to the autosave script, a redirect to a plain form post."""
    assessment = permissions.get_assessment_for_user(request.user, pk)
    score = get_object_or_404(
        Score.objects.select_related("principle", "updated_by"), pk=score_pk, assessment=assessment
    )
    wants_json = request.headers.get("X-Autosave") == "1"
    form = ScoreForm(request.POST, scale=assessment.scale)
    status, body = 200, {}
    if not form.is_valid():
        status, body = 400, {"status": "invalid", "errors": form.errors.get_json_data()}
    else:
        try:
            saved = score_save(
                score=score,
                user=request.user,
                expected_version=form.cleaned_data["version"],
                data=form.score_input(),
            )
        except ScoreConflict as conflict:
            current = Score.objects.select_related("level", "updated_by").get(pk=score.pk)
            status, body = (
                409,
                {
                    "status": "conflict",
                    "message": str(conflict),
                    "current": _score_json(current),
                },
            )
        except AssessmentLocked as locked:
            status, body = 403, {"status": "locked", "message": str(locked)}
        except ValidationError as invalid:
            status, body = 400, {"status": "invalid", "errors": invalid.message_dict}
        else:
            saved.principle = score.principle
            saved.updated_by = request.user
            body = {"status": "saved", "score": _score_json(saved), "progress": _progress(saved)}
    if wants_json:
        return JsonResponse(body, status=status)
    anchor = f"#item-{score.principle.code}"
    if status == 200:
        messages.success(request, _("%(code)s saved.") % {"code": score.principle.code})
        return redirect(reverse("assessments:checklist", args=[assessment.pk]) + anchor)
    labels = {name: field.label for name, field in form.fields.items()}
    errors = [
        (labels.get(name) or name, error["message"] if isinstance(error, dict) else error)
        for name, field_errors in body.get("errors", {}).items()
        for error in field_errors
    ]
    return render(
        request,
        "assessments/score_problem.html",
        {"assessment": assessment, "score": score, "form": form, "problem": body, "errors": errors},
        status=status,
    )


@require_safe
def score_history(request, pk: int, score_pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    if not permissions.can_see_history(request.user, assessment):
        raise PermissionDenied
    score = get_object_or_404(
        Score.objects.select_related("principle__framework", "assessment__scale"),
        pk=score_pk,
        assessment=assessment,
    )
    changes = selectors.score_history(score)
    template = "assessments/score_history.html"
    if request.htmx:
        template += "#history"
    return render(request, template, {"assessment": assessment, "score": score, "changes": changes})
