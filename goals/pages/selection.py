"""What a page request selects: the period, the status, open nodes, the page."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404

from vision.models import MandatePeriod

MAX_OPEN = 50
STATUSES = ("active", "all", "retired")


def selected_period(
    request, default: Callable[[], MandatePeriod | None] | None = None
) -> MandatePeriod | None:
    """The period named by ``?period=SLUG`` (404 for an unknown one); else ``default()``, else the period
    shown when none is named (the current one, else the latest)."""
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(MandatePeriod, slug=slug)
    if default is not None:
        return default()
    return MandatePeriod.objects.current_first().first()


def any_period() -> None:
    """A ``default`` for selected_period where no named period means every period."""
    return None


def selected_status(request) -> str:
    status = request.GET.get("status", "active")
    return status if status in STATUSES else "active"


def selected_ids(request, name: str) -> set[int]:
    ids = {int(value) for value in request.GET.getlist(name) if value.isdigit()}
    return set(sorted(ids)[:MAX_OPEN])


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
