"""The principle library: frameworks, their sections and principles, and crosswalks."""

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ctframework.languages import Localized, active, localized, normalize

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and single hyphens.")
)


# What sets call their items, in the interface's own words: a set that brings no translation
# of its item label is shown with these (an interface word, not the set's text).
ITEM_LABELS = {
    "Principle": pgettext_lazy("what a set calls its items", "Principle"),
    "Recommendation": pgettext_lazy("what a set calls its items", "Recommendation"),
    "Good practice": pgettext_lazy("what a set calls its items", "Good practice"),
    "Item": pgettext_lazy("what a set calls its items", "Item"),
    "Paragraph": pgettext_lazy("what a set calls its items", "Paragraph"),
    "Article": pgettext_lazy("what a set calls its items", "Article"),
}


class TagManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Tag(models.Model):
    """A cross-cutting theme (gender, human rights, youth…) assessors filter principles by."""

    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=100)
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('{"fr": {"name": …}}')
    )

    objects = TagManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def tr(self, field: str = "name", language: str | None = None) -> Localized:
        """The theme's name in the user's language (the app's own translation)."""
        return localized(self, field, language=language)


class FrameworkManager(models.Manager):
    def get_by_natural_key(self, slug, version):
        return self.get(slug=slug, version=version)


class Framework(models.Model):
    """One principle set in one version, e.g. the Valletta Principles of 2025."""

    class Kind(models.TextChoices):
        PRINCIPLES = "principles", _("Principles")
        RECOMMENDATIONS = "recommendations", _("Recommendations")
        POLICY_GUIDANCE = "policy-guidance", _("Policy guidance")
        MEETING_OUTCOME = "meeting-outcome", _("Meeting outcome")
        # A catalogue of controls imported from OSCAL (NIST SP 800-53 and the like).
        CONTROL_CATALOGUE = "control-catalogue", _("Control catalogue")

    slug = models.CharField(_("slug"), max_length=100, validators=[slug_validator])
    version = models.CharField(_("version"), max_length=50)
    title = models.CharField(_("title"), max_length=500)
    short_title = models.CharField(_("short title"), max_length=100)
    issuing_body = models.CharField(_("issuing body"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    source_document = models.CharField(_("source document"), max_length=500)
    source_url = models.URLField(_("source URL"), max_length=1000, blank=True)
    item_label = models.CharField(
        _("item label"),
        max_length=50,
        help_text=_('What the document calls one item: "Principle".'),
    )
    description = models.TextField(_("description"), blank=True)
    assessable = models.BooleanField(
        _("can be assessed"),
        default=True,
        help_text=_("Whether strategies can be scored against this set."),
    )
    language = models.CharField(
        _("original language"),
        max_length=10,
        default="en",
        help_text=_("The language the set's texts were adopted in (en, fr, ar, zh-hans, ru, es)."),
    )
    notes = models.TextField(_("notes"), blank=True)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_(
            '{"fr": {"title": …, "short_title": …, "description": …, "item_label": …, '
            '"official": true, "source": "the document it comes from"}}'
        ),
    )

    objects = FrameworkManager()

    class Meta:
        ordering = ["title", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "version"], name="framework_slug_version_unique"
            )
        ]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self):
        return f"{self.short_title} ({self.version})"

    def get_absolute_url(self):
        return reverse("principles:framework", args=[self.slug, self.version])

    def natural_key(self):
        return (self.slug, self.version)

    @property
    def official_languages(self) -> frozenset[str]:
        """The languages of this set's official translations (as the loaded set says)."""
        return frozenset(
            code for code, values in (self.translations or {}).items() if values.get("official")
        )

    def tr(self, field: str, language: str | None = None) -> Localized:
        """A field in the user's language where translated, else the original, labelled."""
        text = localized(
            self,
            field,
            original_language=self.language,
            official=self.official_languages,
            language=language,
        )
        wanted = normalize(language) or active()
        interface_word = field == "item_label" and self.item_label in ITEM_LABELS
        if interface_word and text.original and wanted != text.language:
            with translation.override(wanted):
                label = str(ITEM_LABELS[self.item_label])
            return Localized(label, wanted, original=False)
        return text


class SectionManager(models.Manager):
    def get_by_natural_key(self, framework_slug, framework_version, code):
        return self.get(
            framework__slug=framework_slug, framework__version=framework_version, code=code
        )


class Section(models.Model):
    """A heading of a framework; sections nest ("Procedural › Regional strategies")."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="sections", verbose_name=_("framework")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.CharField(_("code"), max_length=100)
    title = models.CharField(_("title"), max_length=500)
    order = models.PositiveIntegerField(_("order"), default=0)
    assessable = models.BooleanField(
        _("can be assessed"),
        default=True,
        help_text=_("Off for a section of tasks that are not measures for States."),
    )
    translations = models.JSONField(
        _("translations"), default=dict, blank=True, help_text=_('{"fr": {"title": …}}')
    )

    objects = SectionManager()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="section_code_unique")
        ]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title

    def natural_key(self):
        return (*self.framework.natural_key(), self.code)

    natural_key.dependencies = ["principles.framework"]

    def tr(self, field: str = "title", language: str | None = None) -> Localized:
        framework = self.framework
        return localized(
            self,
            field,
            original_language=framework.language,
            official=framework.official_languages,
            language=language,
        )


class PrincipleManager(models.Manager):
    def get_by_natural_key(self, framework_slug, framework_version, code):
        return self.get(
            framework__slug=framework_slug, framework__version=framework_version, code=code
        )


class Principle(models.Model):
    """One item of a framework: a principle, a recommendation or a guidance item."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="principles", verbose_name=_("framework")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="principles", verbose_name=_("section")
    )
    code = models.CharField(
        _("code"), max_length=50, help_text=_("Stable within the framework version: VP-28, PG3-k.")
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("As printed: 28, k."))
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(_("order"), default=0)
    # An item that refines another one (an OSCAL control enhancement under its control).
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent item"),
    )
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Withdrawn by its issuer: kept for its number, never scored."),
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="principles", verbose_name=_("tags")
    )
    assessable = models.BooleanField(
        _("can be assessed"),
        default=True,
        help_text=_(
            "Off for an item that is not a measure for States (a task for a UN body): it is "
            "shown in the library and the crosswalk but not scored."
        ),
    )
    notes = models.TextField(
        _("notes"), blank=True, help_text=_("The document's footnotes on this item, and the like.")
    )
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_('{"fr": {"title": …, "text": …}}'),
    )

    objects = PrincipleManager()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="principle_code_unique")
        ]
        verbose_name = _("principle")
        verbose_name_plural = _("principles")

    def __str__(self):
        return f"{self.code} {self.title}"

    def get_absolute_url(self):
        return reverse(
            "principles:principle", args=[self.framework.slug, self.framework.version, self.code]
        )

    def natural_key(self):
        return (*self.framework.natural_key(), self.code)

    natural_key.dependencies = ["principles.framework", "principles.section", "principles.tag"]

    @property
    def is_assessable(self) -> bool:
        """Scored in assessments: the item and its section are assessable."""
        return self.assessable and self.section.assessable

    def tr(self, field: str, language: str | None = None) -> Localized:
        """Its title or text in the user's language where translated, else the original."""
        framework = self.framework
        return localized(
            self,
            field,
            original_language=framework.language,
            official=framework.official_languages,
            language=language,
        )


class CrossReferenceManager(models.Manager):
    def get_by_natural_key(self, s_slug, s_version, s_code, t_slug, t_version, t_code):
        return self.get(
            source=Principle.objects.get_by_natural_key(s_slug, s_version, s_code),
            target=Principle.objects.get_by_natural_key(t_slug, t_version, t_code),
        )


class ReviewVerdict(models.TextChoices):
    """What a specialist review of a crosswalk did with a link."""

    KEPT = "kept", _("kept")
    CHANGED = "changed", _("changed")
    ADDED = "added", _("added")
    REMOVED = "removed", _("removed")


RELATIONSHIP_SENTENCES = {
    "equal-to": _("This item says the same as the related item."),
    "equivalent-to": _("This item is equivalent to the related item."),
    "subset-of": _("This item is a subset of the related item: part of what it covers."),
    "superset-of": _("This item is a superset of the related item: it covers all of it, and more."),
    "intersects-with": _("This item and the related item overlap in part."),
}
RELATIONSHIP_INVERSE = {"subset-of": "superset-of", "superset-of": "subset-of"}


class CrossReference(models.Model):
    """A typed link between principles of two frameworks (OSCAL mapping relationships)."""

    class Relationship(models.TextChoices):
        EQUAL_TO = "equal-to", _("equal to")
        EQUIVALENT_TO = "equivalent-to", _("equivalent to")
        SUBSET_OF = "subset-of", _("subset of")
        SUPERSET_OF = "superset-of", _("superset of")
        INTERSECTS_WITH = "intersects-with", _("intersects with")

    source = models.ForeignKey(
        Principle,
        on_delete=models.CASCADE,
        related_name="references_out",
        verbose_name=pgettext_lazy("the item a cross-reference starts from", "source"),
    )
    target = models.ForeignKey(
        Principle,
        on_delete=models.CASCADE,
        related_name="references_in",
        verbose_name=pgettext_lazy("the item a cross-reference leads to", "target"),
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    strength = models.PositiveSmallIntegerField(
        _("strength"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("1 (loosely related) to 10 (the same thing)."),
    )
    rationale = models.TextField(_("rationale"))
    review_verdict = models.CharField(
        _("review verdict"), max_length=10, choices=ReviewVerdict.choices, blank=True
    )
    review_note = models.TextField(
        _("review note"), blank=True, help_text=_("Why this type and strength were chosen.")
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    objects = CrossReferenceManager()

    class Meta:
        ordering = ["source", "-strength"]
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="crossreference_unique"),
            models.CheckConstraint(
                condition=models.Q(strength__gte=1, strength__lte=10),
                name="crossreference_strength_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="crossreference_not_self",
            ),
        ]
        verbose_name = _("cross-reference")
        verbose_name_plural = _("cross-references")

    def __str__(self):
        return f"{self.source.code} {self.relationship} {self.target.code}"

    def seen_from(self, principle: "Principle") -> str:
        """The relationship as a sentence about `principle`, one end of this link, and the
        other end ("the related item"); a whole sentence each, so that every language can
        say it its own way."""
        relationship = self.relationship
        if principle.pk == self.target_id:
            relationship = RELATIONSHIP_INVERSE.get(relationship, relationship)
        return str(RELATIONSHIP_SENTENCES[relationship])

    def natural_key(self):
        return (*self.source.natural_key(), *self.target.natural_key())

    natural_key.dependencies = ["principles.principle"]
