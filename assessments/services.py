"""Writes that span several rows: creating assessments, saving scores, moving the workflow."""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ctframework import roles
from ctframework.task_queue import TaskQueueUnavailable, enqueue
from principles.models import Framework, Principle
from strategies.models import Strategy

from . import permissions, reports
from .models import (
    Assessment,
    AssessmentEvent,
    EvidenceLink,
    Observation,
    Report,
    Score,
    ScoreChange,
    ScoreLevel,
    ScoreScale,
)

SCORE_FIELDS = ("level", "justification", "evidence", "location", "recommendation")


class ScoreConflict(Exception):
    """The score changed since the editor loaded it; `current` is what is saved now."""

    def __init__(self, current: Score):
        self.current = current
        super().__init__(_("Someone else saved this item after you opened it."))


class AssessmentLocked(Exception):
    """The assessment is not (or no longer) open for score edits."""


@dataclass(frozen=True)
class ScoreInput:
    """What an editor submits for one principle."""

    level: ScoreLevel | None
    justification: str
    evidence: str
    location: str
    recommendation: str


@transaction.atomic
def assessment_create(
    *,
    strategy: Strategy,
    framework: Framework,
    created_by,
    scale: ScoreScale | None = None,
    assessors=(),
    reviewer=None,
    sharing: str = Assessment.Sharing.CONFIDENTIAL,
    partners=(),
    title: str = "",
) -> Assessment:
    """Create an assessment with one empty score per assessable principle of the framework."""
    if not permissions.can_create_assessment(created_by, strategy):
        raise PermissionDenied
    assessors = list(assessors) or [created_by]
    _check_team(strategy.jurisdiction_id, assessors=assessors, reviewer=reviewer)
    scale = scale or ScoreScale.objects.get(is_default=True)
    assessment = Assessment(
        strategy=strategy,
        framework=framework,
        scale=scale,
        title=title,
        sharing=sharing,
        reviewer=reviewer,
        created_by=created_by,
    )
    assessment.full_clean()
    assessment.save()
    assessment.assessors.set(assessors)
    assessment.partners.set(partners)
    # Items that are not assessable (tasks for a UN body, not measures for States) get none.
    Score.objects.bulk_create(
        Score(assessment=assessment, principle=principle)
        for principle in Principle.objects.filter(
            framework=framework, assessable=True, section__assessable=True
        ).only("pk")
    )
    _event(assessment, created_by, "created", to_status=assessment.status)
    return assessment


def _check_team(jurisdiction_id: int, *, assessors=None, reviewer=None) -> None:
    """Assessors and the reviewer must hold their role for the assessed jurisdiction."""
    errors = {}
    if assessors:
        allowed = set(
            permissions.users_holding(roles.ASSESSOR, jurisdiction_id)
            .filter(pk__in=[u.pk for u in assessors])
            .values_list("pk", flat=True)
        )
        if refused := sorted(u.username for u in assessors if u.pk not in allowed):
            errors["assessors"] = _("Not an assessor of this jurisdiction: %(users)s.") % {
                "users": ", ".join(refused)
            }
    if reviewer is not None and not (
        permissions.users_holding(roles.REVIEWER, jurisdiction_id).filter(pk=reviewer.pk).exists()
    ):
        errors["reviewer"] = _("%(user)s is not a reviewer of this jurisdiction.") % {
            "user": reviewer.username
        }
    if errors:
        raise ValidationError(errors)


def score_input_clean(assessment: Assessment, data: ScoreInput) -> ScoreInput:
    """`data` if it can be saved on a score of `assessment`, else ValidationError by field
    (the checks score_save makes, which an offline upload's preview makes too)."""
    errors = {}
    if data.level is not None and data.level.scale_id != assessment.scale_id:
        errors["level"] = _("This level belongs to another scale.")
    if data.level is not None and not data.justification.strip():
        errors["justification"] = _("A score needs a short justification.")
    limits = {"justification": 5000, "evidence": 20000, "location": 1000, "recommendation": 5000}
    for name, limit in limits.items():
        if len(getattr(data, name)) > limit:
            errors[name] = ngettext(
                "At most %(limit)s character.", "At most %(limit)s characters.", limit
            ) % {"limit": limit}
    if errors:
        raise ValidationError(errors)
    return data


def assessment_lock_for_editing(*, assessment_id: int, user, refusal: str) -> Assessment:
    """The assessment, row-locked for the rest of the transaction, if `user` may edit its
    scores now; AssessmentLocked (finalized, or `refusal`) otherwise. Every score write
    locks the assessment first, so a workflow move cannot interleave with it."""
    assessment = (
        Assessment.objects.select_related("strategy")
        .select_for_update(of=("self",))
        .get(pk=assessment_id)
    )
    if not permissions.can_edit_scores(user, assessment):
        raise AssessmentLocked(
            _("This assessment is finalized and read-only.") if assessment.is_finalized else refusal
        )
    return assessment


def score_save(*, score: Score, user, expected_version: int, data: ScoreInput) -> Score:
    """Save one score if nobody saved it since `expected_version`; record the change.

    1. Lock the assessment row, so a workflow move cannot interleave with the save.
    2. Refuse unless the user may edit the scores now (draft, assigned assessor).
    3. One conditional UPDATE … WHERE version = expected: exactly one of two racing
       editors wins; the other gets ScoreConflict with what is saved now.
    4. Write the history row with each changed field's old and new value.
    """
    with transaction.atomic():
        assessment = assessment_lock_for_editing(
            assessment_id=score.assessment_id,
            user=user,
            refusal=_("You cannot edit the scores of this assessment in its current state."),
        )
        data = score_input_clean(assessment, data)
        before = Score.objects.select_related("level").get(pk=score.pk)
        if before.version != expected_version:
            raise ScoreConflict(before)
        changes = {}
        for name in SCORE_FIELDS:
            old, new = getattr(before, name), getattr(data, name)
            if old != new:
                changes[name] = [_history_value(old), _history_value(new)]
        if not changes:
            return before
        now = timezone.now()
        updated = Score.objects.filter(pk=score.pk, version=expected_version).update(
            level=data.level,
            justification=data.justification,
            evidence=data.evidence,
            location=data.location,
            recommendation=data.recommendation,
            version=F("version") + 1,
            updated_by=user,
            updated_at=now,
        )
        if updated != 1:
            raise ScoreConflict(Score.objects.select_related("level").get(pk=score.pk))
        ScoreChange.objects.create(
            score_id=score.pk, version=expected_version + 1, changed_by=user, changes=changes
        )
        Assessment.objects.filter(pk=assessment.pk).update(updated_at=now)
    return Score.objects.select_related("level").get(pk=score.pk)


def _history_value(value):
    if isinstance(value, ScoreLevel):
        return value.original  # the same text whatever language the editor uses
    return value


@transaction.atomic
def assessment_transition(*, assessment: Assessment, user, to_status: str, note: str = "") -> None:
    """Move an assessment along the workflow, if the user's role allows that move now."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if to_status not in permissions.allowed_transitions(user, locked):
        raise PermissionDenied(
            _("You cannot move this assessment from “%(from)s” to “%(to)s”.")
            % {"from": locked.get_status_display(), "to": to_status}
        )
    from_status = locked.status
    locked.status = to_status
    fields = ["status", "updated_at"]
    if to_status == Assessment.Status.FINALIZED:
        locked.finalized_at = timezone.now()
        fields.append("finalized_at")
    locked.save(update_fields=fields)
    _event(locked, user, "status", from_status=from_status, to_status=to_status, note=note)
    assessment.refresh_from_db()


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, user) -> Assessment:
    """Start a new draft revision from a finalized assessment, which stays untouched."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not permissions.can_reopen(user, locked):
        raise PermissionDenied(_("Only a finalized assessment's reviewer can reopen it."))
    revision = Assessment.objects.create(
        strategy=locked.strategy,
        framework=locked.framework,
        scale=locked.scale,
        title=locked.title,
        sharing=locked.sharing,
        reviewer=locked.reviewer,
        revision=locked.revision + 1,
        previous_revision=locked,
        created_by=user,
    )
    revision.assessors.set(locked.assessors.all())
    revision.partners.set(locked.partners.all())
    Score.objects.bulk_create(
        Score(
            assessment=revision,
            principle_id=score.principle_id,
            level_id=score.level_id,
            justification=score.justification,
            evidence=score.evidence,
            location=score.location,
            recommendation=score.recommendation,
            updated_by_id=score.updated_by_id,
            updated_at=score.updated_at,
        )
        for score in locked.scores.all()
    )
    # The new revision keeps its evidence links and dismissed suggestions.
    new_scores = dict(revision.scores.values_list("principle_id", "pk"))
    EvidenceLink.objects.bulk_create(
        EvidenceLink(
            score_id=new_scores[link.score.principle_id],
            passage_id=link.passage_id,
            status=link.status,
            location=link.location,
            from_suggestion=link.from_suggestion,
            created_by_id=link.created_by_id,
        )
        for link in EvidenceLink.objects.filter(score__assessment=locked).select_related("score")
    )
    _event(locked, user, "reopened", note=f"revision {revision.revision}")
    _event(revision, user, "created", to_status=revision.status, note=f"from {locked.pk}")
    return revision


@transaction.atomic
def observation_add(
    *, assessment: Assessment, user, text: str, principle: Principle | None = None
) -> Observation:
    """Record a ministry observation while the assessment is shared with its jurisdiction."""
    if not permissions.can_add_observation(user, assessment):
        raise PermissionDenied(_("Observations can be added only while the assessment is shared."))
    if principle is not None and principle.framework_id != assessment.framework_id:
        raise ValidationError({"principle": _("This principle is not in the assessed set.")})
    observation = Observation(assessment=assessment, principle=principle, author=user, text=text)
    observation.full_clean()
    observation.save()
    return observation


def _event(assessment, user, action, *, from_status="", to_status="", note=""):
    AssessmentEvent.objects.create(
        assessment=assessment,
        actor=user,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
QUEUE_WAIT_LIMIT = timedelta(seconds=settings.TASK_QUEUE_WAIT_LIMIT)
NEVER_STARTED = gettext_lazy(
    "No worker picked this up in time (the task queue may be down); request it again."
)


def report_request(
    *, assessment: Assessment, user, options: reports.ReportOptions | None = None
) -> Report:
    """Queue a PDF report, or return the existing one for unchanged content.

    The content hash covers everything the report shows; a report that is done, queued
    or running for the same hash is reused. A failed one is left as it is and a new one
    is queued. Whether the observations annex is included depends on who asks; the language
    is the options' (by default, the assessed jurisdiction's). Raises
    TaskQueueUnavailable (the new report marked failed) when the broker cannot be reached.
    """
    with_observations = permissions.can_see_observations(user, assessment)
    options = options or reports.ReportOptions.default_for(assessment)
    content = reports.report_content(
        assessment, with_observations=with_observations, options=options
    )
    content_hash = reports.content_hash(content)
    with transaction.atomic():
        existing = (
            Report.objects.select_for_update()
            .filter(assessment=assessment, content_hash=content_hash)
            .exclude(status=Report.Status.FAILED)
            .first()
        )
        if existing is not None and not _is_stale(existing):
            return existing
        if existing is not None:
            _fail(existing, _("The render was interrupted; a new one was queued."))
        report = Report.objects.create(
            assessment=assessment,
            content_hash=content_hash,
            options=options.as_dict(),
            with_observations=with_observations,
            requested_by=user,
        )
        transaction.on_commit(lambda: _enqueue(report.pk))
    report.refresh_from_db()  # in embedded (eager) mode the render has already run
    return report


def _enqueue(report_id) -> None:
    """Send the render task; when the broker is down the report fails with the reason and
    TaskQueueUnavailable reaches the caller, so a new request can be made at once."""
    from .tasks import render_report

    try:
        enqueue(render_report, str(report_id))
    except TaskQueueUnavailable as exc:
        report_mark_failed(report_id=report_id, message=str(exc))
        raise


def _is_stale(report: Report) -> bool:
    now = timezone.now()
    if report.status == Report.Status.QUEUED:
        return now - report.requested_at > QUEUE_WAIT_LIMIT
    return report.status == Report.Status.RUNNING and now - report.started_at > STALE_AFTER


def _fail(report: Report, message: str) -> None:
    report.status = Report.Status.FAILED
    report.error = message
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])


def report_render(*, report_id) -> Report:
    """Render a queued report. Safe to run twice: a done report is left alone, and the
    file is written under the report's own name, replacing any half-written one."""
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status in (Report.Status.DONE, Report.Status.FAILED):
            return report
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    assessment = report.assessment
    content = reports.report_content(
        assessment,
        with_observations=report.with_observations,
        options=reports.ReportOptions.from_dict(report.options),
    )
    if reports.content_hash(content) != report.content_hash:
        _fail(report, _("The assessment changed after this report was requested; request again."))
        return report
    pdf = reports.render_pdf(content)
    name = f"{slugify(assessment.strategy.jurisdiction.code)}-gap-analysis-{report.pk}.pdf"
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.file:
            report.file.delete(save=False)
        report.file.save(name, ContentFile(pdf), save=False)
        report.size = len(pdf)
        report.sha256 = hashlib.sha256(pdf).hexdigest()
        report.status = Report.Status.DONE
        report.error = ""
        report.finished_at = timezone.now()
        report.save()
    return report


def report_mark_failed(*, report_id, message: str) -> None:
    """Record a render failure with a message the requester can read."""
    report = Report.objects.filter(pk=report_id).first()
    if report is not None and report.status != Report.Status.DONE:
        _fail(report, message)


def reports_fail_stale() -> int:
    """Periodic sweep over every pending state: a report still queued after
    TASK_QUEUE_WAIT_LIMIT was never picked up by a worker; one still running past the hard
    time limit was cut short. Each is failed with its own reason."""
    now = timezone.now()
    never_started = Report.objects.filter(
        status=Report.Status.QUEUED, requested_at__lt=now - QUEUE_WAIT_LIMIT
    ).update(status=Report.Status.FAILED, error=str(NEVER_STARTED), finished_at=now)
    cut_short = Report.objects.filter(
        status=Report.Status.RUNNING, started_at__lt=now - STALE_AFTER
    ).update(
        status=Report.Status.FAILED,
        error=_("The render did not finish in time; request the report again."),
        finished_at=now,
    )
    return never_started + cut_short


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    user,
    title: str | None = None,
    sharing: str | None = None,
    reviewer=None,
    assessors=None,
    partners=None,
) -> Assessment:
    """Change an assessment's title, sharing, reviewer, assessors or partners."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.is_finalized:
        raise AssessmentLocked(_("This assessment is finalized and read-only."))
    if not permissions.can_edit_assessment(user, locked):
        raise PermissionDenied(_("Only its reviewer or an administrator can change this."))
    _check_team(locked.strategy.jurisdiction_id, assessors=assessors, reviewer=reviewer)
    changed = []
    for name, value in (("title", title), ("sharing", sharing), ("reviewer", reviewer)):
        if value is not None and getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.full_clean()
        locked.save(update_fields=[*changed, "updated_at"])
    if assessors is not None:
        locked.assessors.set(assessors)
        changed.append("assessors")
    if partners is not None:
        locked.partners.set(partners)
        changed.append("partners")
    if changed:
        _event(locked, user, "updated", note=", ".join(changed))
    return locked
