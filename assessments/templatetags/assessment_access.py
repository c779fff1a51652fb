"""Template access to assessments.permissions, so templates ask the one rule book."""

from django import template

from .. import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def can_read_strategy_text(context, assessment) -> bool:
    return permissions.can_read_strategy_text(context["request"].user, assessment)
