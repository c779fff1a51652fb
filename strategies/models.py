"""Jurisdictions and their counter-terrorism strategies."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from ctframework.languages import Localized, localized


class JurisdictionManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Jurisdiction(models.Model):
    """A UN Member or observer State, or a regional organisation with a CT strategy."""

    class Kind(models.TextChoices):
        MEMBER_STATE = "member-state", _("UN Member State")
        OBSERVER_STATE = "observer-state", _("UN observer State")
        REGIONAL_ORGANISATION = "regional-organisation", _("Regional organisation")

    code = models.CharField(
        _("code"),
        max_length=10,
        unique=True,
        help_text=_("ISO 3166-1 alpha-3 for States; an acronym for organisations."),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    m49_code = models.CharField(_("UN M49 code"), max_length=3, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    sub_region = models.CharField(_("sub-region"), max_length=100, blank=True)
    languages = models.JSONField(
        _("UN languages"),
        default=list,
        blank=True,
        help_text=_(
            "The UN languages the jurisdiction uses with the United Nations, the first its "
            "ministry's default (docs/memberships.md#languages)."
        ),
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('{"fr": {"name": …}}: CLDR names for States (not UN-official).'),
    )

    objects = JurisdictionManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self):
        return self.display_name

    def natural_key(self):
        return (self.code,)

    def tr(self, field: str = "name", language: str | None = None) -> Localized:
        """The name in the user's language where there is one, else the English name."""
        return localized(self, field, language=language)

    @property
    def display_name(self) -> str:
        """The name in the user's language where there is one (the UN's short names of States,
        strategies/data/un_country_names.yaml), else the English name."""
        return str(localized(self, "name"))

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"


class Strategy(models.Model):
    """One version of a jurisdiction's strategy; versions chain through `supersedes`."""

    class Kind(models.TextChoices):
        NATIONAL_CT = "national-ct", _("National counter-terrorism strategy")
        PCVE = "pcve", _("Preventing and countering violent extremism strategy")
        ACTION_PLAN = "action-plan", _("Action plan")
        REGIONAL = "regional", _("Regional strategy")
        SECTORAL = "sectoral", _("Sectoral strategy")

    class Status(models.TextChoices):
        # Contexts: the word may take the gender of what it describes (a strategy).
        DRAFT = "draft", pgettext_lazy("strategy status", "Draft")
        IN_FORCE = "in-force", pgettext_lazy("strategy status", "In force")
        EXPIRED = "expired", pgettext_lazy("strategy status", "Expired")
        UNDER_REVIEW = "under-review", pgettext_lazy("strategy status", "Under review")

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="strategies",
        verbose_name=_("jurisdiction"),
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    language = models.CharField(
        _("language"),
        max_length=20,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the strategy's text; leave empty to detect it from the documents."
        ),
    )
    detected_language = models.CharField(
        _("detected language"),
        max_length=20,
        choices=settings.LANGUAGES,
        blank=True,
        editable=False,
        help_text=_("The language most of the strategy's documents are in, as detected."),
    )
    year_adopted = models.PositiveSmallIntegerField(
        _("year adopted"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1945), MaxValueValidator(2100)],
    )
    period_start = models.PositiveSmallIntegerField(
        _("period from"), null=True, blank=True, validators=[MinValueValidator(1945)]
    )
    period_end = models.PositiveSmallIntegerField(
        _("period to"), null=True, blank=True, validators=[MaxValueValidator(2100)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_FORCE
    )
    is_public = models.BooleanField(
        _("public document"),
        default=False,
        help_text=_("Public strategies may be named in public reports; others stay confidential."),
    )
    source_url = models.URLField(_("source URL"), blank=True, max_length=1000)
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        ordering = ["jurisdiction__name", "-year_adopted", "title"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self):
        return f"{self.title} ({self.jurisdiction.code})"

    @property
    def text_language(self) -> str:
        """The language of the strategy's text: the assessor's choice, else the detected one."""
        return self.language or self.detected_language

    def clean(self):
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        if self.supersedes_id:
            if self.supersedes_id == self.pk:
                raise ValidationError({"supersedes": _("A strategy cannot supersede itself.")})
            if self.supersedes.jurisdiction_id != self.jurisdiction_id:
                raise ValidationError(
                    {"supersedes": _("A strategy can only supersede one of the same jurisdiction.")}
                )


class StrategyDocument(models.Model):
    """A file of a strategy (the strategy itself, an annex, an action plan) and the state of
    its text extraction. One file is stored once per strategy, however often it is uploaded."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", _("Word (.docx)")
        TEXT = "txt", _("Plain text")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for text extraction")
        EXTRACTING = "extracting", _("Extracting the text")
        READY = "ready", pgettext_lazy("document status", "Ready")
        FAILED = "failed", _("Could not be read")

    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="documents", verbose_name=_("strategy")
    )
    file = models.FileField(_("file"), upload_to="strategies/%Y/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=20,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Set by an assessor when the detected language is wrong."),
    )
    detected_language = models.CharField(
        _("detected language"),
        max_length=20,
        choices=settings.LANGUAGES,
        blank=True,
        editable=False,
        help_text=_("The language most of the document is in, as detected on extraction."),
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    pages_without_text = models.PositiveIntegerField(_("pages without text"), default=0)
    # Scanned pages: how many need OCR and how many are read (the progress shown while the
    # extraction runs; once ready, how many pages were read by OCR).
    ocr_pages_total = models.PositiveIntegerField(_("scanned pages"), default=0)
    ocr_pages_done = models.PositiveIntegerField(_("scanned pages read"), default=0)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("uploaded at"))
    # When the extraction was last sent to the task queue (the upload, or a requeue): a
    # document still queued long after it was never picked up.
    queued_at = models.DateTimeField(default=timezone.now, verbose_name=_("queued at"))
    extraction_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("extraction started at")
    )
    extracted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("extracted at"))

    class Meta:
        ordering = ["strategy", "uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "sha256"],
                condition=~models.Q(status="failed"),
                name="one_live_document_per_file",
            )
        ]
        verbose_name = _("strategy document")
        verbose_name_plural = _("strategy documents")

    def __str__(self):
        return self.original_name

    @property
    def text_language(self) -> str:
        """The language of the document: the assessor's correction, else the detected one."""
        return self.language or self.detected_language

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.EXTRACTING)

    @property
    def can_retry(self) -> bool:
        """A document that failed but kept its file (OCR failed, or was cut short) can be
        read again without uploading it again."""
        return self.status == self.Status.FAILED and bool(self.file)


class ScannedPage(models.Model):
    """A page of a document read by OCR, saved as soon as its batch is read, so that an
    extraction cut short (a time limit, a worker's death) resumes where it stopped. The
    rows go once the document is ready."""

    document = models.ForeignKey(
        StrategyDocument,
        on_delete=models.CASCADE,
        related_name="scanned_pages",
        verbose_name=_("document"),
    )
    page = models.PositiveIntegerField(_("page"))
    languages = models.CharField(
        _("OCR languages"), max_length=60, help_text=_("The languages the page was read in.")
    )
    # [{"text", "top", "par", "conf"}]: strategies.extraction.ocr.OcrLine
    lines = models.JSONField(_("lines"), default=list)

    class Meta:
        ordering = ["document", "page"]
        constraints = [
            models.UniqueConstraint(fields=["document", "page"], name="scanned_page_unique")
        ]
        verbose_name = _("scanned page")
        verbose_name_plural = _("scanned pages")

    def __str__(self):
        return f"{self.document} p. {self.page}"


class Passage(models.Model):
    """A paragraph or heading of a strategy document, in reading order, with its page."""

    class Kind(models.TextChoices):
        HEADING = "heading", _("Heading")
        PARAGRAPH = "paragraph", _("Paragraph")

    document = models.ForeignKey(
        StrategyDocument,
        on_delete=models.CASCADE,
        related_name="passages",
        verbose_name=_("document"),
    )
    # The strategy again, so that scoping and ranking filter passages without a join.
    strategy = models.ForeignKey(
        Strategy, on_delete=models.CASCADE, related_name="passages", verbose_name=_("strategy")
    )
    position = models.PositiveIntegerField(_("position"), help_text=_("1 for the first passage."))
    page = models.PositiveIntegerField(_("page"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    heading = models.CharField(
        _("heading"), max_length=500, blank=True, help_text=_("The nearest heading above.")
    )
    number_label = models.CharField(
        _("number in the document"),
        max_length=40,
        blank=True,
        help_text=_(
            'How the document numbers this paragraph ("¶ 3", "§ 3", "Article 3"); empty when '
            "the document does not number its paragraphs."
        ),
    )
    text = models.TextField(_("text"))
    # Detected per passage (a bilingual strategy, an English annex); the search index and the
    # ranking read each passage in its own language.
    language = models.CharField(
        _("language"), max_length=20, choices=settings.LANGUAGES, blank=True
    )
    terms = models.TextField(
        _("index terms"), blank=True, help_text=_("Stemmed words, for ranking suggestions.")
    )
    ocr = models.BooleanField(
        _("read by OCR"), default=False, help_text=_("Read from a scanned page by OCR.")
    )
    ocr_confidence = models.FloatField(
        _("OCR confidence"),
        null=True,
        blank=True,
        help_text=_("The OCR engine's mean confidence in the passage's words, 0 to 100."),
    )
    # PostgreSQL's full-text vector of the text, stored so that searching a long strategy
    # reads an index instead of parsing every passage again (filled in by the extraction).
    search_vector = SearchVectorField(null=True, editable=False, verbose_name=_("search vector"))

    class Meta:
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "position"], name="passage_position_unique")
        ]
        # On PostgreSQL, migration 0008 adds a GIN index on search_vector.
        indexes = [models.Index(fields=["strategy", "kind"], name="passage_strategy_kind")]
        verbose_name = _("passage")
        verbose_name_plural = _("passages")

    def __str__(self):
        return f"{self.location} {self.text[:60]}"

    @property
    def location(self) -> str:
        """Where the passage is, as an assessor cites it: by the document's own paragraph
        number where it has one ("p. 12, ¶ 3", "Article 3"), else by the reader's count,
        which says so ("p. 12, passage 45")."""
        counted = gettext("passage %(position)s") % {"position": self.position}
        where = self.number_label or counted
        if self.page:
            return gettext("p. %(page)s, %(where)s") % {"page": self.page, "where": where}
        return where
