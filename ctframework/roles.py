"""The four roles. Each is a Django group whose name is part of the product's contract."""

ADMINISTRATOR = "Administrator"
ASSESSOR = "Assessor"
REVIEWER = "Reviewer"
MINISTRY_READER = "Ministry reader"

ALL_ROLES = (ADMINISTRATOR, ASSESSOR, REVIEWER, MINISTRY_READER)
