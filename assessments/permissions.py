"""Who may see and do what: the one place every view, the API and the admin ask.

Scoping is by queryset, so an object outside a user's scope is simply not found (404),
and its existence does not leak. Rules:

- Administrators (the role, or a superuser) see everything.
- Everyone else sees the strategies of the jurisdictions granted to them.
- Assessors and reviewers see every assessment of their jurisdictions.
- Ministry readers see their own jurisdictions' assessments once shared or finalized.
- Finalized assessments shared with named partners are seen by the partners' users;
  finalized public assessments by every signed-in user.
- Only assigned assessors edit scores, and only while the assessment is a draft.
- Reviewers (the assigned one, when there is one) move assessments through review.
- Ministry readers add observations while the assessment is shared with them.
- Strategy documents and their passages are seen by whoever sees the strategy, and added
  or removed by whoever may edit it. An assessment's reader, suggestions and coverage map
  show the strategy's text, so they need the strategy in scope as well as the assessment
  (a partner who sees a finalized assessment does not see the strategy it quotes).
- Only those who may edit the scores link evidence, accept or dismiss suggestions.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from ctframework import roles
from strategies.models import Passage, Strategy, StrategyDocument

from .models import Assessment, Report

WORKFLOW = {
    # (from, to): the role that may make the move
    (Assessment.Status.DRAFT, Assessment.Status.IN_REVIEW): "assessor-or-reviewer",
    (Assessment.Status.IN_REVIEW, Assessment.Status.DRAFT): "reviewer",
    (Assessment.Status.IN_REVIEW, Assessment.Status.SHARED): "reviewer",
    (Assessment.Status.IN_REVIEW, Assessment.Status.FINALIZED): "reviewer",
    (Assessment.Status.SHARED, Assessment.Status.IN_REVIEW): "reviewer",
    (Assessment.Status.SHARED, Assessment.Status.FINALIZED): "reviewer",
}


def can_administer(user) -> bool:
    """Administrators manage the library, users and every jurisdiction."""
    return bool(user.is_authenticated and user.is_active and user.is_administrator)


def _has(user, role: str) -> bool:
    return bool(user.is_authenticated and user.has_role(role))


def _jurisdiction_ids(user) -> list[int]:
    cache = user.__dict__.get("_jurisdiction_ids")
    if cache is None:
        cache = list(user.jurisdictions.values_list("pk", flat=True))
        user.__dict__["_jurisdiction_ids"] = cache
    return cache


def strategy_scope(user) -> Q | None:
    """A filter for the strategies `user` may see; None means all of them."""
    if can_administer(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(jurisdiction_id__in=_jurisdiction_ids(user))


def assessment_scope(user) -> Q | None:
    """A filter for the assessments `user` may see; None means all of them."""
    if can_administer(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    mine = _jurisdiction_ids(user)
    finalized = Q(status=Assessment.Status.FINALIZED)
    scope = Q(sharing=Assessment.Sharing.PUBLIC) & finalized
    partner_of = Assessment.partners.through.objects.filter(jurisdiction_id__in=mine)
    scope |= (
        Q(sharing=Assessment.Sharing.PARTNERS, pk__in=partner_of.values("assessment_id"))
        & finalized
    )
    if _has(user, roles.ASSESSOR) or _has(user, roles.REVIEWER):
        scope |= Q(strategy__jurisdiction_id__in=mine)
    if _has(user, roles.MINISTRY_READER):
        scope |= Q(
            strategy__jurisdiction_id__in=mine,
            status__in=[Assessment.Status.SHARED, Assessment.Status.FINALIZED],
        )
    return scope


def can_create_strategy(user, jurisdiction=None) -> bool:
    if can_administer(user):
        return True
    if not (_has(user, roles.ASSESSOR) or _has(user, roles.REVIEWER)):
        return False
    return jurisdiction is None or jurisdiction.pk in _jurisdiction_ids(user)


def can_edit_strategy(user, strategy) -> bool:
    return can_create_strategy(user, strategy.jurisdiction)


def can_create_assessment(user, strategy=None) -> bool:
    if can_administer(user):
        return True
    if not _has(user, roles.ASSESSOR):
        return False
    return strategy is None or strategy.jurisdiction_id in _jurisdiction_ids(user)


def _is_assigned_assessor(user, assessment) -> bool:
    if not _has(user, roles.ASSESSOR):
        return False
    if assessment.strategy.jurisdiction_id not in _jurisdiction_ids(user):
        return False
    assigned = assessment.__dict__.get("_assessor_ids")
    if assigned is None:
        assigned = set(assessment.assessors.values_list("pk", flat=True))
        assessment.__dict__["_assessor_ids"] = assigned
    return user.pk in assigned


def _is_its_reviewer(user, assessment) -> bool:
    if not _has(user, roles.REVIEWER):
        return False
    if assessment.strategy.jurisdiction_id not in _jurisdiction_ids(user):
        return False
    return assessment.reviewer_id in (None, user.pk)


def can_edit_scores(user, assessment) -> bool:
    """Assigned assessors, while the assessment is a draft. Finalized is read-only for all."""
    return assessment.status == Assessment.Status.DRAFT and _is_assigned_assessor(user, assessment)


def can_edit_assessment(user, assessment) -> bool:
    """Change the assignment and sharing (not the scores): administrators and its reviewer."""
    if assessment.is_finalized:
        return False
    return can_administer(user) or _is_its_reviewer(user, assessment)


def allowed_transitions(user, assessment) -> list[str]:
    """The statuses `user` may move `assessment` to now."""
    moves = []
    for (source, target), who in WORKFLOW.items():
        if source != assessment.status:
            continue
        allowed = _is_its_reviewer(user, assessment) or (
            who == "assessor-or-reviewer" and _is_assigned_assessor(user, assessment)
        )
        if allowed:
            moves.append(target)
    return moves


def can_reopen(user, assessment) -> bool:
    """Reopening a finalized assessment starts a new revision; the finalized one stays."""
    if not assessment.is_finalized or hasattr(assessment, "next_revision"):
        return False
    return can_administer(user) or _is_its_reviewer(user, assessment)


def can_add_observation(user, assessment) -> bool:
    return (
        assessment.status == Assessment.Status.SHARED
        and _has(user, roles.MINISTRY_READER)
        and assessment.strategy.jurisdiction_id in _jurisdiction_ids(user)
    )


def can_see_observations(user, assessment) -> bool:
    """Observations are the jurisdiction's annex: its readers and the assessment team."""
    if can_administer(user):
        return True
    in_jurisdiction = assessment.strategy.jurisdiction_id in _jurisdiction_ids(user)
    return in_jurisdiction and any(
        _has(user, role) for role in (roles.ASSESSOR, roles.REVIEWER, roles.MINISTRY_READER)
    )


def can_see_history(user, assessment) -> bool:
    """Score history names the assessors: the assessment team and administrators."""
    if can_administer(user):
        return True
    in_jurisdiction = assessment.strategy.jurisdiction_id in _jurisdiction_ids(user)
    return in_jurisdiction and (_has(user, roles.ASSESSOR) or _has(user, roles.REVIEWER))


def visible_strategies(user) -> QuerySet[Strategy]:
    scope = strategy_scope(user)
    strategies = Strategy.objects.select_related("jurisdiction")
    return strategies if scope is None else strategies.filter(scope)


def visible_assessments(user) -> QuerySet[Assessment]:
    scope = assessment_scope(user)
    assessments = Assessment.objects.select_related(
        "strategy__jurisdiction", "framework", "scale", "reviewer"
    )
    return assessments if scope is None else assessments.filter(scope)


def visible_documents(user) -> QuerySet[StrategyDocument]:
    return StrategyDocument.objects.filter(strategy__in=visible_strategies(user).values("pk"))


def visible_passages(user) -> QuerySet[Passage]:
    """Passages of ready documents of the strategies `user` may see."""
    return Passage.objects.filter(
        strategy__in=visible_strategies(user).values("pk"),
        document__status=StrategyDocument.Status.READY,
    )


def can_read_strategy_text(user, assessment) -> bool:
    """Whether the assessment's strategy is in the user's scope (its reader, suggestions,
    coverage map)."""
    if can_administer(user):
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return assessment.strategy.jurisdiction_id in _jurisdiction_ids(user)


def get_document_for_user(user, pk) -> StrategyDocument:
    """The document if `user` may see its strategy; 404 otherwise."""
    documents = visible_documents(user).select_related("strategy__jurisdiction")
    found = documents.annotate(passage_count=Count("passages")).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_strategy_for_user(user, pk) -> Strategy:
    """The strategy if `user` may see it; 404 otherwise."""
    strategy = visible_strategies(user).filter(pk=pk).first()
    if strategy is None:
        raise Http404
    return strategy


def get_assessment_for_user(user, pk) -> Assessment:
    """The assessment if `user` may see it; 404 otherwise.

    Outside the user's scope the answer is always 404, never 403, so that the existence of
    another jurisdiction's assessment does not leak. What a user may do with an assessment
    they can see is asked of the can_* functions above.
    """
    assessment = visible_assessments(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def audience_covers(earlier: Assessment, current: Assessment) -> bool:
    """Whether everyone who may see `current` may also see `earlier`.

    The summary and the PDF compare an assessment with an earlier one; the comparison shows
    the earlier levels, so it is made only when that reveals nothing to anyone. Finalized
    assessments of the same jurisdiction reach its team and ministry readers; beyond that,
    the earlier sharing must be at least as wide as the current one.
    """
    if earlier.status != Assessment.Status.FINALIZED:
        return False
    if earlier.strategy.jurisdiction_id != current.strategy.jurisdiction_id:
        return False
    if current.sharing == Assessment.Sharing.CONFIDENTIAL or earlier.sharing == (
        Assessment.Sharing.PUBLIC
    ):
        return True
    if current.sharing == Assessment.Sharing.PARTNERS == earlier.sharing:
        current_partners = set(current.partners.values_list("pk", flat=True))
        return current_partners <= set(earlier.partners.values_list("pk", flat=True))
    return False


def visible_reports(user) -> QuerySet[Report]:
    """Reports of assessments `user` may see; those with the observations annex only for
    those who may see the observations."""
    reports = Report.objects.filter(assessment__in=visible_assessments(user).values("pk"))
    if can_administer(user):
        return reports
    annex_readers = [
        a.pk
        for a in visible_assessments(user).filter(reports__with_observations=True).distinct()
        if can_see_observations(user, a)
    ]
    return reports.filter(Q(with_observations=False) | Q(assessment__in=annex_readers))


def get_report_for_user(user, pk) -> Report:
    """The report if `user` may download it; 404 otherwise."""
    report = visible_reports(user).select_related("assessment").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
