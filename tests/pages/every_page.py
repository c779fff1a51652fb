"""The pages a user works in, for the tests that visit every one of them."""

from django.urls import reverse


def every_page(assessment, score) -> dict[str, str]:
    """Each page of the app about `assessment` (and one of its scores), by name."""
    a, s, framework = assessment.pk, assessment.strategy_id, assessment.framework
    principle = framework.principles.order_by("order").first()
    return {
        "home": reverse("home"),
        "strategies": reverse("strategies:list"),
        "strategy": reverse("strategies:detail", args=[s]),
        "strategy form": reverse("strategies:edit", args=[s]),
        "strategy text": reverse("strategies:reader", args=[s]),
        "search": reverse("strategies:passage-search") + "?q=ferry",
        "assessments": reverse("assessments:list"),
        "new assessment": reverse("assessments:create", args=[s]),
        "summary": reverse("assessments:detail", args=[a]),
        "checklist": reverse("assessments:checklist", args=[a]),
        "reader": reverse("assessments:reader", args=[a]),
        "coverage": reverse("assessments:coverage", args=[a]),
        "history": reverse("assessments:score-history", args=[a, score.pk]),
        "library": reverse("principles:framework-list"),
        "set": framework.get_absolute_url(),
        "principle": principle.get_absolute_url(),
        "library search": reverse("principles:search") + "?q=strategies",
        "password": reverse("password_change"),
    }
