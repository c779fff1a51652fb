"""Log-in throttling by django-axes, per (username, address) and per address.

Axes compares one failure count with one limit. We lock a (username, address) pair at
AXES_FAILURE_LIMIT failures and a whole address, whatever the usernames tried, at the much
higher AXES_ADDRESS_FAILURE_LIMIT: one address may not try password after password across
many accounts, while an office behind one NAT address is not locked out by a few people
mistyping. The address count is scaled to the pair limit so that axes' single comparison
decides both.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


class PairAndAddressHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS must be [["username", "ip_address"], "ip_address"]."""

    def get_failures(self, request, credentials=None) -> int:
        pair, address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        limit, address_limit = settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT
        # floor(address × limit / address_limit) reaches `limit` exactly when the address
        # reaches its own limit.
        return max(pair, address * limit // address_limit)
