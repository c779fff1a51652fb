"""The four roles. Each is a Django group whose name is part of the product's contract."""

from django.utils.translation import gettext_lazy as _

ADMINISTRATOR = "Administrator"
ASSESSOR = "Assessor"
REVIEWER = "Reviewer"
MINISTRY_READER = "Ministry reader"

ALL_ROLES = (ADMINISTRATOR, ASSESSOR, REVIEWER, MINISTRY_READER)

# The names stay English everywhere they are typed (commands, group names); people read them
# in their language.
LABELS = {
    ADMINISTRATOR: _("Administrator"),
    ASSESSOR: _("Assessor"),
    REVIEWER: _("Reviewer"),
    MINISTRY_READER: _("Ministry reader"),
}


def label(name) -> str:
    """A role (its group name, or the group) in the reader's language."""
    name = getattr(name, "name", name)
    return str(LABELS.get(name, name))
