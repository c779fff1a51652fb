"""Texts kept in several languages, shown in the user's where translated, always labelled."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from ctframework import languages
from ctframework.languages import Localized

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
    return languages.percent(value, digits)


@register.filter
def number(value) -> str:
    """A number written as the language writes it (grouping and decimal marks)."""
    return languages.number(value)


@register.simple_tag(name="localized")
def localized_element(obj, field: str) -> str:
    """`{% localized principle "title" %}`: the field in the user's language where translated,
    else the original, in an element that says which language it is in."""
    text = obj.tr(field)
    return format_html(
        '<span lang="{}" dir="{}">{}</span>', text.language, text.direction, text.text
    )


@register.filter
def language_name_or_code(code: str) -> str:
    """The language's name in the user's language ("fr" → "French"); a code Django does not
    know stays as it is (Django's own language_name_translated fails on it)."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code
