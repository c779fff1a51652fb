"""Assessment list, creation, summary, workflow, reopening and observations."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from .. import permissions, selectors
from ..forms import AssessmentForm, ObservationForm
from ..models import Assessment
from ..services import assessment_create, assessment_reopen, assessment_transition, observation_add

# Moves that only a reopen (a new revision) can undo: the page asks for confirmation first.
IRREVERSIBLE = {Assessment.Status.FINALIZED}


@require_safe
def assessment_list(request):
    assessments = (
        permissions.visible_assessments(request.user)
        .annotate(
            scored=Count("scores", filter=Q(scores__level__isnull=False)),
            total=Count("scores"),
        )
        .order_by("strategy__jurisdiction__name", "-updated_at")
    )
    status = request.GET.get("status", "")
    if status in Assessment.Status.values:
        assessments = assessments.filter(status=status)
    return render(
        request,
        "assessments/assessment_list.html",
        {"assessments": assessments, "statuses": Assessment.Status.choices, "status": status},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def assessment_create_view(request, strategy_pk: int):
    strategy = permissions.get_strategy_for_user(request.user, strategy_pk)
    if not permissions.can_create_assessment(request.user, strategy):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None, strategy=strategy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = assessment_create(
                strategy=strategy,
                framework=data["framework"],
                scale=data["scale"],
                title=data["title"],
                assessors=data["assessors"],
                reviewer=data["reviewer"],
                sharing=data["sharing"],
                partners=data["partners"],
                created_by=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Assessment created."))
            return redirect("assessments:checklist", assessment.pk)
    return render(request, "assessments/assessment_form.html", {"form": form, "strategy": strategy})


@require_safe
def assessment_detail(request, pk: int):
    """The summary: scores per section, the overall index, the gaps, the workflow."""
    assessment = permissions.get_assessment_for_user(request.user, pk)
    user = request.user
    observations = []
    if permissions.can_see_observations(user, assessment):
        observations = assessment.observations.select_related("principle", "author")
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "analysis": selectors.assessment_gap_analysis(assessment),
            "transitions": [
                (status, Assessment.Status(status).label)
                for status in permissions.allowed_transitions(user, assessment)
            ],
            "can_reopen": permissions.can_reopen(user, assessment),
            "can_edit": permissions.can_edit_scores(user, assessment),
            "can_observe": permissions.can_add_observation(user, assessment),
            "observations": observations,
            "observation_form": (
                ObservationForm(assessment=assessment)
                if permissions.can_add_observation(user, assessment)
                else None
            ),
            "reports": permissions.visible_reports(user).filter(assessment=assessment)[:5],
            "report_languages": [
                (code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES
            ],
            "default_report_language": assessment.strategy.jurisdiction.default_language,
            "events": (
                assessment.events.select_related("actor")
                if permissions.can_see_history(user, assessment)
                else []
            ),
        },
    )


@require_POST
def assessment_transition_view(request, pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    to_status = request.POST.get("to", "")
    if (
        to_status in IRREVERSIBLE
        and request.POST.get("confirmed") != "1"
        and to_status in permissions.allowed_transitions(request.user, assessment)
    ):
        # Only a reopen, as a new revision, undoes this: ask first (no script needed).
        return render(
            request,
            "assessments/confirm_transition.html",
            {
                "assessment": assessment,
                "to": to_status,
                "label": Assessment.Status(to_status).label,
            },
        )
    try:
        assessment_transition(
            assessment=assessment,
            user=request.user,
            to_status=to_status,
            note=request.POST.get("note", "")[:2000],
        )
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot make this move."))
        return redirect("assessments:detail", assessment.pk)
    messages.success(
        request,
        _("The assessment is now “%(status)s”.") % {"status": assessment.get_status_display()},
    )
    return redirect("assessments:detail", assessment.pk)


@require_POST
def assessment_reopen_view(request, pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    try:
        revision = assessment_reopen(assessment=assessment, user=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("assessments:detail", assessment.pk)
    messages.success(
        request,
        _("Revision %(n)s was created as a draft; the finalized revision is kept unchanged.")
        % {"n": revision.revision},
    )
    return redirect("assessments:detail", revision.pk)


@require_POST
def observation_add_view(request, pk: int):
    assessment = permissions.get_assessment_for_user(request.user, pk)
    if not permissions.can_add_observation(request.user, assessment):
        raise PermissionDenied
    form = ObservationForm(request.POST, assessment=assessment)
    if form.is_valid():
        observation_add(
            assessment=assessment,
            user=request.user,
            text=form.cleaned_data["text"],
            principle=form.cleaned_data["principle"],
        )
        messages.success(request, _("Your observation was added to the annex."))
    else:
        messages.error(
            request,
            _("The observation was not saved: %(errors)s")
            % {"errors": "; ".join(e for errors in form.errors.values() for e in errors)},
        )
    return redirect("assessments:detail", assessment.pk)
