"""The open-data files and the DCAT catalogue, each answered from the cache with an ETag."""

from django.http import HttpResponse

from goals.public import catalog as dcat
from goals.public import opendata, versions
from goals.public.http import cached_response, public_view

CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"
JSON_LD = "application/ld+json; charset=utf-8"


def _file(text: str, content_type: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(text, content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@public_view(params=("period",))
def goals_csv(request):
    period = versions.period_named(request.GET.get("period"))
    name = f"goals-{period.slug}.csv" if period else "goals.csv"
    return cached_response(
        request, versions.of_period(period), lambda: _file(opendata.goals_csv(request, period), CSV, name)
    )


@public_view(params=("period",))
def goals_json(request):
    period = versions.period_named(request.GET.get("period"))
    return cached_response(
        request,
        versions.of_period(period),
        lambda: _file(opendata.json_text(opendata.goals_json(request, period)), JSON),
    )


@public_view()
def indicators_csv(request):
    return cached_response(
        request,
        versions.of_all_periods(),
        lambda: _file(opendata.indicators_csv(request), CSV, "indicators.csv"),
    )


@public_view()
def indicators_json(request):
    return cached_response(
        request,
        versions.of_all_periods(),
        lambda: _file(opendata.json_text(opendata.indicators_json(request)), JSON),
    )


@public_view()
def followup_json(request):
    return cached_response(
        request,
        versions.of_all_periods(),
        lambda: _file(opendata.json_text(opendata.followup_json(request)), JSON),
    )


@public_view()
def catalog(request):
    return cached_response(
        request,
        versions.of_all_periods(),
        lambda: _file(opendata.json_text(dcat.catalog(request, versions.periods())), JSON_LD),
    )
