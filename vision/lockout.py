"""Lock-out after failed sign-ins: per account and address together, and per address.

django-axes compares every lock-out parameter group with one failure limit. Locking
an account on its name alone lets anyone lock the administrator out from anywhere
by typing a wrong password five times; so the account is locked only for the address
the failures came from (AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]),
and an address that tries many accounts is locked for all of them at a higher
threshold (AXES_ADDRESS_FAILURE_LIMIT), which this handler adds.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_ip_address, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, with a second, per-address limit across accounts."""

    def get_failures(self, request, credentials=None) -> int:
        """The account's failures from this address; at the limit once the address passes its own.

        Axes compares this one number with AXES_FAILURE_LIMIT both to refuse a sign-in
        and to answer with the lock-out page, so the address's lock is expressed in it."""
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
