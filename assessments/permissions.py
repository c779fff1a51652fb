"""Who may see and do what: the one place every view, the API and the admin ask.

Roles are granted per jurisdiction (accounts.Grant: a user, a role, and one jurisdiction or
a membership set such as a UN regional group); every rule below asks "does this user hold
role R *for this jurisdiction*". Scoping is by queryset, so an object outside a user's
scope is simply not found (404), and its existence does not leak. Rules:

- Administrators (the global role, or a superuser) see everything.
- Everyone else sees the strategies of the jurisdictions they hold any role for.
- Assessors and reviewers of a jurisdiction see every assessment of it.
- Ministry readers of a jurisdiction see its assessments once shared or finalized.
- Finalized assessments shared with named partners are seen by users holding any role for
  a partner; finalized public assessments by every signed-in user.
- Only assigned assessors who are assessors of the jurisdiction edit scores, and only while
  the assessment is a draft.
- Reviewers of the jurisdiction (the assigned one, when there is one) move assessments
  through review.
- Ministry readers of the jurisdiction add observations while the assessment is shared.
- Strategies are added and edited by the jurisdiction's assessors and reviewers.
- Strategy documents and their passages are seen by whoever sees the strategy, and added
  or removed by whoever may edit it. An assessment's reader, suggestions and coverage map
  show the strategy's text, so they need the strategy in scope as well as the assessment
  (a partner who sees a finalized assessment does not see the strategy it quotes).
- Only those who may edit the scores link evidence, accept or dismiss suggestions.
"""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.scopes import grant_scopes
from ctframework import roles
from strategies.models import Jurisdiction, Passage, Strategy, StrategyDocument

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


def _ids(user, *role_names: str) -> frozenset[int]:
    """The jurisdictions where `user` holds any of `role_names`."""
    return grant_scopes(user).ids(*role_names)


def _holds(user, role: str, jurisdiction_id: int) -> bool:
    return grant_scopes(user).holds(role, jurisdiction_id)


def _any_role_ids(user) -> frozenset[int]:
    return grant_scopes(user).any


TEAM = (roles.ASSESSOR, roles.REVIEWER)


def strategy_scope(user) -> Q | None:
    """A filter for the strategies `user` may see; None means all of them."""
    if can_administer(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    return Q(jurisdiction_id__in=_any_role_ids(user))


def assessment_scope(user) -> Q | None:
    """A filter for the assessments `user` may see; None means all of them."""
    if can_administer(user):
        return None
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    finalized = Q(status=Assessment.Status.FINALIZED)
    scope = Q(sharing=Assessment.Sharing.PUBLIC) & finalized
    partner_of = Assessment.partners.through.objects.filter(jurisdiction_id__in=_any_role_ids(user))
    scope |= (
        Q(sharing=Assessment.Sharing.PARTNERS, pk__in=partner_of.values("assessment_id"))
        & finalized
    )
    if team := _ids(user, *TEAM):
        scope |= Q(strategy__jurisdiction_id__in=team)
    if ministry := _ids(user, roles.MINISTRY_READER):
        scope |= Q(
            strategy__jurisdiction_id__in=ministry,
            status__in=[Assessment.Status.SHARED, Assessment.Status.FINALIZED],
        )
    return scope


def strategy_jurisdictions(user) -> QuerySet[Jurisdiction]:
    """The jurisdictions `user` may add strategies for."""
    if can_administer(user):
        return Jurisdiction.objects.all()
    return Jurisdiction.objects.filter(pk__in=_ids(user, *TEAM))


def can_create_strategy(user, jurisdiction=None) -> bool:
    """Assessors and reviewers of `jurisdiction` (of some jurisdiction, when None)."""
    if can_administer(user):
        return True
    team = _ids(user, *TEAM)
    return bool(team) if jurisdiction is None else jurisdiction.pk in team


def can_edit_strategy(user, strategy) -> bool:
    return can_create_strategy(user, strategy.jurisdiction)


def can_create_assessment(user, strategy=None) -> bool:
    """Assessors of the strategy's jurisdiction (of some jurisdiction, when None)."""
    if can_administer(user):
        return True
    assessor_of = _ids(user, roles.ASSESSOR)
    return bool(assessor_of) if strategy is None else strategy.jurisdiction_id in assessor_of


def _jurisdiction_id(assessment) -> int:
    return assessment.strategy.jurisdiction_id


def _is_assigned_assessor(user, assessment) -> bool:
    if not _holds(user, roles.ASSESSOR, _jurisdiction_id(assessment)):
        return False
    assigned = assessment.__dict__.get("_assessor_ids")
    if assigned is None:
        assigned = set(assessment.assessors.values_list("pk", flat=True))
        assessment.__dict__["_assessor_ids"] = assigned
    return user.pk in assigned


def _is_its_reviewer(user, assessment) -> bool:
    if not _holds(user, roles.REVIEWER, _jurisdiction_id(assessment)):
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
    return assessment.status == Assessment.Status.SHARED and _holds(
        user, roles.MINISTRY_READER, _jurisdiction_id(assessment)
    )


def can_see_observations(user, assessment) -> bool:
    """Observations are the jurisdiction's annex: its readers and the assessment team."""
    if can_administer(user):
        return True
    return _jurisdiction_id(assessment) in _ids(user, *TEAM, roles.MINISTRY_READER)


def can_see_history(user, assessment) -> bool:
    """Score history names the assessors: the assessment team and administrators."""
    if can_administer(user):
        return True
    return _jurisdiction_id(assessment) in _ids(user, *TEAM)


def users_holding(role: str, jurisdiction_id: int) -> QuerySet:
    """Active users who hold `role` for the jurisdiction (directly or through a set)."""
    holding = Q(grants__jurisdiction_id=jurisdiction_id) | Q(
        grants__membership_set__members=jurisdiction_id
    )
    users = get_user_model().objects.filter(holding, grants__role__name=role, is_active=True)
    return users.distinct().order_by("username")


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
    return _jurisdiction_id(assessment) in _any_role_ids(user)


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
