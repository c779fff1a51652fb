"""Texts kept in several languages, shown in the user's where translated, always labelled."""

from babel.numbers import format_decimal, format_percent
from django import template
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from ctframework.languages import Localized, babel_locale

register = template.Library()


@register.filter
def tr(obj, field: str) -> Localized:
    """`{{ principle|tr:"title" }}`: the field in the user's language, else the original."""
    return obj.tr(field)


@register.inclusion_tag("includes/language_label.html")
def language_label(text: Localized):
    """What language a text is in, and whether it is the original or a translation."""
    return {"label": label_of(text), "text": text}


@register.simple_tag
def language_label_of(text: dict) -> str:
    """The same label for a text kept as data (the PDF report's snapshot)."""
    return label_of(Localized(**text))


def label_of(text: Localized) -> str:
    name = get_language_info(text.language)["name_translated"]
    if text.original:
        label = _("%(language)s · original") % {"language": name}
    elif text.official:
        label = _("%(language)s · official translation") % {"language": name}
    else:
        label = _("%(language)s · unofficial translation") % {"language": name}
    return label


@register.filter
def percent(value, digits: int = 1) -> str:
    """60.7 → "60.7%" in English, "60,7 %" in French, "٪60.7" … as the language writes it."""
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) else "") + "%"
    return format_percent(float(value) / 100, format=pattern, locale=babel_locale())


@register.filter
def number(value) -> str:
    """A number written as the language writes it (grouping and decimal marks)."""
    if value is None or value == "":
        return ""
    return format_decimal(value, locale=babel_locale())
