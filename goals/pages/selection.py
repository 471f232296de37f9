"""What a page request selects: the period, the status, open nodes, the page."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import Http404
from django.utils.translation import gettext as _

from goals import catalog
from vision.models import MandatePeriod

MAX_OPEN = 50
MAX_ID = 2**63 - 1  # the largest id a database column holds; a larger one overflows in SQL
STATUSES = ("active", "all", "retired")


def selected_period(
    request, default: Callable[[], MandatePeriod | None] | None = None
) -> MandatePeriod | None:
    """The period named by ``?period=SLUG`` (404 for an unknown one); else ``default()``, else the period
    shown when none is named (the current one, else the latest)."""
    slug = request.GET.get("period")
    if slug:
        return catalog.period_named(slug)
    if default is not None:
        return default()
    return catalog.default_period()


def selected_status(request) -> str:
    status = request.GET.get("status", "active")
    return status if status in STATUSES else "active"


def selected_ids(request, name: str) -> set[int]:
    """The ids named by ``?name=`` (other values are ignored); 400 for a number no id can be."""
    values = [value for value in request.GET.getlist(name) if value.isascii() and value.isdigit()]
    # Checked before int(): Python refuses to convert more than 4300 digits (a 500).
    if any(len(value) > len(str(MAX_ID)) for value in values):
        raise BadRequest(_("That goal number is too large to exist."))
    ids = {int(value) for value in values}
    if any(pk > MAX_ID for pk in ids):
        raise BadRequest(_("That goal number is too large to exist."))
    return set(sorted(ids)[:MAX_OPEN])


def existing_id(pk: int) -> int:
    """``pk`` from the address, or 404 where it is too large for any id (the database would overflow)."""
    if pk > MAX_ID:
        raise Http404(_("No goal has that number."))
    return pk


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
