"""Assessments of a strategy against a framework, their scores, history and observations."""

import uuid

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ctframework.languages import localized


class ScoreScaleManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ScoreScale(models.Model):
    """A scale assessors score principles on; scales are data, administrators add others."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_default = models.BooleanField(_("default for new assessments"), default=False)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('{"fr": {"name": …, "description": …}}'),
    )

    objects = ScoreScaleManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_score_scale",
            )
        ]
        verbose_name = _("score scale")
        verbose_name_plural = _("score scales")

    def __str__(self):
        return str(self.tr("name"))

    def tr(self, field: str, language: str | None = None):
        """Its name or description in the user's language (our own translation), else English."""
        return localized(self, field, language=language)

    def natural_key(self):
        return (self.slug,)

    @property
    def top_value(self) -> int:
        return max(level.value for level in self.levels.all() if level.value is not None)


class ScoreLevelManager(models.Manager):
    def get_by_natural_key(self, scale_slug, code):
        return self.get(scale__slug=scale_slug, code=code)


class ScoreLevel(models.Model):
    """One level of a scale; a level without a value is "not applicable" and left out of totals."""

    scale = models.ForeignKey(
        ScoreScale, on_delete=models.CASCADE, related_name="levels", verbose_name=_("scale")
    )
    code = models.CharField(_("code"), max_length=10)
    value = models.PositiveSmallIntegerField(
        _("value"), null=True, blank=True, help_text=_("Empty for “not applicable”.")
    )
    label = models.CharField(_("label"), max_length=100)
    guidance = models.TextField(_("guidance"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('{"fr": {"label": …, "guidance": …}}'),
    )

    objects = ScoreLevelManager()

    class Meta:
        ordering = ["scale", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="scorelevel_code_unique")
        ]
        verbose_name = _("score level")
        verbose_name_plural = _("score levels")

    def __str__(self):
        label = self.tr("label")
        return f"{self.code} · {label}" if self.value is not None else str(label)

    def natural_key(self):
        return (*self.scale.natural_key(), self.code)

    natural_key.dependencies = ["assessments.scorescale"]

    def tr(self, field: str, language: str | None = None):
        """The label or guidance in the user's language (our own translation), else English."""
        return localized(self, field, language=language)

    @property
    def original(self) -> str:
        """The level as the score history records it, whatever the editor's language."""
        return f"{self.code} · {self.label}" if self.value is not None else self.label

    @property
    def is_not_applicable(self) -> bool:
        return self.value is None


class Assessment(models.Model):
    """One strategy scored against one framework version, taken through review to finalized."""

    class Status(models.TextChoices):
        # Contexts: the word may take the gender of what it describes (an assessment).
        DRAFT = "draft", pgettext_lazy("assessment status", "Draft")
        IN_REVIEW = "in-review", pgettext_lazy("assessment status", "In review")
        SHARED = "shared", _("Shared with the jurisdiction")
        FINALIZED = "finalized", pgettext_lazy("assessment status", "Finalized")

    class Sharing(models.TextChoices):
        CONFIDENTIAL = "confidential", _("Confidential to the jurisdiction")
        PARTNERS = "partners", _("Shared with named partners")
        PUBLIC = "public", pgettext_lazy("sharing of an assessment", "Public")

    strategy = models.ForeignKey(
        "strategies.Strategy",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("strategy"),
    )
    framework = models.ForeignKey(
        "principles.Framework",
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("framework"),
    )
    scale = models.ForeignKey(
        ScoreScale, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("scale")
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    sharing = models.CharField(
        _("sharing"), max_length=20, choices=Sharing.choices, default=Sharing.CONFIDENTIAL
    )
    partners = models.ManyToManyField(
        "strategies.Jurisdiction",
        blank=True,
        related_name="partner_assessments",
        verbose_name=_("partners"),
        help_text=_(
            "Jurisdictions the assessment is shared with when it is “Shared with named partners”."
        ),
    )
    assessors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="assigned_assessments",
        verbose_name=_("assessors"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_assessments",
        verbose_name=_("reviewer"),
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    previous_revision = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_revision",
        verbose_name=_("previous revision"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    finalized_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finalized at"))

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self):
        name = self.title or f"{self.strategy.title} × {self.framework.short_title}"
        if self.revision > 1:
            return gettext("%(name)s (revision %(revision)s)") % {
                "name": name,
                "revision": self.revision,
            }
        return name

    def save(self, *args, **kwargs):
        if self.pk and Assessment.objects.filter(pk=self.pk, status=self.Status.FINALIZED).exists():
            raise ValidationError(_("A finalized assessment is read-only; reopen it instead."))
        super().save(*args, **kwargs)

    def clean(self):
        if self.framework_id and not self.framework.assessable:
            raise ValidationError({"framework": _("This principle set cannot be assessed.")})

    @property
    def jurisdiction(self):
        return self.strategy.jurisdiction

    @property
    def is_finalized(self) -> bool:
        return self.status == self.Status.FINALIZED


class ScoreQuerySet(models.QuerySet):
    def assessable(self):
        """Scores of items that are scored at all: an assessment made before an item was
        marked not assessable keeps its score, but no page, total or export counts it."""
        return self.filter(principle__assessable=True, principle__section__assessable=True)


class Score(models.Model):
    """The score of one principle in one assessment; `version` guards against lost edits."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    principle = models.ForeignKey(
        "principles.Principle",
        on_delete=models.PROTECT,
        related_name="scores",
        verbose_name=_("principle"),
    )
    level = models.ForeignKey(
        ScoreLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scores",
        verbose_name=_("level"),
    )
    justification = models.TextField(_("justification"), blank=True, max_length=5000)
    evidence = models.TextField(_("evidence"), blank=True, max_length=20000)
    # Long enough for the locations of many linked passages ("p. 12, ¶ 45; p. 13, ¶ 50; …").
    location = models.CharField(_("location in the strategy"), max_length=1000, blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True, max_length=5000)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(null=True, blank=True, verbose_name=_("updated at"))

    objects = ScoreQuerySet.as_manager()

    class Meta:
        ordering = ["assessment", "principle__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "principle"], name="score_unique")
        ]
        verbose_name = _("score")
        verbose_name_plural = _("scores")

    def __str__(self):
        return f"{self.principle.code}: {self.level or '—'}"

    def save(self, *args, **kwargs):
        if Assessment.objects.filter(
            pk=self.assessment_id, status=Assessment.Status.FINALIZED
        ).exists():
            raise ValidationError(_("The scores of a finalized assessment are read-only."))
        super().save(*args, **kwargs)

    def clean(self):
        if self.level_id and not self.justification.strip():
            raise ValidationError({"justification": _("A score needs a short justification.")})
        if self.level_id and self.level.scale_id != self.assessment.scale_id:
            raise ValidationError({"level": _("This level belongs to another scale.")})

    @property
    def is_scored(self) -> bool:
        return self.level_id is not None


MAX_TRANSLATION = 10_000  # characters of a working translation


class EvidenceLink(models.Model):
    """A passage of the strategy linked to a score as its evidence, or a suggested passage
    the assessor dismissed for that score (so it is not suggested again)."""

    class Status(models.TextChoices):
        LINKED = "linked", _("Evidence")
        DISMISSED = "dismissed", _("Dismissed suggestion")

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="evidence_links", verbose_name=_("score")
    )
    passage = models.ForeignKey(
        "strategies.Passage",
        on_delete=models.PROTECT,
        related_name="evidence_links",
        verbose_name=_("passage"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # The location text the link added to the score, so that unlinking takes out exactly it
    # (whatever the language or the passage's numbering is later).
    location = models.CharField(_("location"), max_length=200, blank=True)
    from_suggestion = models.BooleanField(_("accepted from the suggestions"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # An assessor's own reading of a passage in another language: shown beside the quote,
    # always as the assessor's, never as the document's text.
    translation = models.TextField(
        _("working translation"),
        blank=True,
        max_length=MAX_TRANSLATION,
        help_text=_("The assessor's own translation of the passage, not the document's text."),
    )
    translation_language = models.CharField(
        _("language of the working translation"),
        max_length=20,
        choices=settings.LANGUAGES,
        blank=True,
    )
    translated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("translated by"),
    )
    translated_at = models.DateTimeField(_("translated at"), null=True, blank=True)

    class Meta:
        ordering = ["score", "passage__document", "passage__position"]
        constraints = [
            models.UniqueConstraint(fields=["score", "passage"], name="evidencelink_unique")
        ]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self):
        return f"{self.score_id} ← {self.passage_id} ({self.status})"

    def save(self, *args, **kwargs):
        if Assessment.objects.filter(
            scores__pk=self.score_id, status=Assessment.Status.FINALIZED
        ).exists():
            raise ValidationError(_("The evidence of a finalized assessment is read-only."))
        super().save(*args, **kwargs)


class ScoreChange(models.Model):
    """One saved change of a score: who, when, and each changed field's old and new value."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="changes", verbose_name=_("score")
    )
    version = models.PositiveIntegerField(_("version"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("changed at"))
    changes = models.JSONField(_("changes"), help_text=_("{field: [old, new]}"))

    class Meta:
        ordering = ["score", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["score", "version"], name="scorechange_version_unique")
        ]
        verbose_name = _("score change")
        verbose_name_plural = _("score history")

    def __str__(self):
        return f"{self.score} v{self.version}"


class Observation(models.Model):
    """A ministry's observation, kept as an annex and never merged into the assessors' text."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="observations",
        verbose_name=_("assessment"),
    )
    principle = models.ForeignKey(
        "principles.Principle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        help_text=_("Empty for an observation on the assessment as a whole."),
        verbose_name=_("principle"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("observation"), max_length=10000)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        ordering = ["assessment", "created_at"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")

    def __str__(self):
        return f"{self.author} on {self.assessment}"


class AssessmentEvent(models.Model):
    """The audit trail of an assessment: creation, workflow moves, reopening, sharing changes."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Moved")
        REOPENED = "reopened", _("Reopened as a new revision")
        UPDATED = "updated", _("Settings changed")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="events", verbose_name=_("assessment")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=50, choices=Action.choices)
    from_status = models.CharField(max_length=20, blank=True, verbose_name=_("from status"))
    to_status = models.CharField(max_length=20, blank=True, verbose_name=_("to status"))
    # Written by the person for a workflow move; made by the app for the other actions.
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True, verbose_name=_("at"))

    class Meta:
        ordering = ["assessment", "at"]
        verbose_name = _("assessment event")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def summary(self) -> str:
        """What happened, in the reader's language (the stored values are codes)."""
        statuses = dict(Assessment.Status.choices)
        if self.action == self.Action.STATUS:
            return gettext("%(before)s → %(after)s") % {
                "before": statuses.get(self.from_status, self.from_status),
                "after": statuses.get(self.to_status, self.to_status),
            }
        if self.action == self.Action.CREATED and self.to_status:
            return gettext("Created (%(status)s)") % {
                "status": statuses.get(self.to_status, self.to_status)
            }
        if self.action == self.Action.UPDATED and self.note:
            fields = [_field_label(name) for name in self.note.split(", ")]
            return gettext("Settings changed: %(fields)s") % {"fields": ", ".join(fields)}
        return self.get_action_display()

    @property
    def personal_note(self) -> str:
        """The note its author wrote (workflow moves only)."""
        return self.note if self.action == self.Action.STATUS else ""


def _field_label(name: str) -> str:
    try:
        return str(Assessment._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed: its stored name
        return name


class Report(models.Model):
    """A PDF gap report of an assessment, rendered by a Celery task from a content snapshot.

    The primary key is a random UUID, so download URLs cannot be guessed; `content_hash`
    identifies what was rendered, so asking again for unchanged content reuses the file.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("report status", "Queued")
        RUNNING = "running", pgettext_lazy("report status", "Running")
        DONE = "done", pgettext_lazy("report status", "Done")
        FAILED = "failed", pgettext_lazy("report status", "Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="reports", verbose_name=_("assessment")
    )
    content_hash = models.CharField(_("content hash"), max_length=64)
    options = models.JSONField(
        _("options"),
        default=dict,
        help_text=_("What the requester chose (the language, …); part of the content hash."),
    )
    with_observations = models.BooleanField(
        _("with the jurisdiction's observations"),
        default=False,
        help_text=_(
            "The annex of observations is only for the jurisdiction and the assessment team; "
            "partners and the public get a report without it."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "content_hash"],
                condition=~models.Q(status="failed"),
                name="one_live_report_per_content",
            )
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.assessment} · {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def language(self) -> str:
        return self.options.get("language", "en")
