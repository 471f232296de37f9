"""The DCAT-AP-SE catalogue of the open data, as JSON-LD, for Sweden's data portal (dataportal.se) to harvest.

One dataset per mandate period's decided goals, one for the indicators and one for the
published follow-up; each with its distributions (access URL, download URL, media type,
licence). Titles and descriptions in Swedish and English.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from goals.public.opendata import LICENSE_URL, PUBLISHER, absolute

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
MEDIA_TYPES = {
    "csv": "http://www.iana.org/assignments/media-types/text/csv",
    "json": "http://www.iana.org/assignments/media-types/application/json",
}
FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
GOVERNMENT_THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
SWEDISH = "http://publications.europa.eu/resource/authority/language/SWE"
LOCAL_AUTHORITY = "http://purl.org/adms/publishertype/LocalAuthority"
PUBLISHER_ID = "https://www.norrkoping.se/"
# The municipality's contact centre; PUBLIC_CONTACT_EMAIL in the settings overrides it.
DEFAULT_CONTACT_EMAIL = "kontaktcenter@norrkoping.se"


def both_languages(text_of) -> list[dict]:
    """``text_of()`` in Swedish and in English, as language-tagged JSON-LD values."""
    values = []
    for language in ("sv", "en"):
        with translation.override(language):
            values.append({"@value": str(text_of()), "@language": language})
    return values


def publisher() -> dict:
    return {
        "@id": PUBLISHER_ID,
        "@type": "foaf:Agent",
        "foaf:name": PUBLISHER,
        "dct:type": {"@id": LOCAL_AUTHORITY},
    }


def contact_point() -> dict:
    email = getattr(settings, "PUBLIC_CONTACT_EMAIL", "") or DEFAULT_CONTACT_EMAIL
    return {
        "@type": "vcard:Organization",
        "vcard:fn": PUBLISHER,
        "vcard:hasEmail": {"@id": f"mailto:{email}"},
    }


def distribution(request, route: str, kind: str, query: dict | None = None) -> dict:
    url = absolute(request, reverse(route) + (f"?{urlencode(query)}" if query else ""))
    return {
        "@id": url + "#distribution",
        "@type": "dcat:Distribution",
        "dct:title": f"{route.split(':')[-1].replace('-', '.')}",
        "dcat:accessURL": {"@id": url},
        "dcat:downloadURL": {"@id": url},
        "dcat:mediaType": {"@id": MEDIA_TYPES[kind]},
        "dct:format": {"@id": FILE_TYPES[kind]},
        "dct:license": {"@id": LICENSE_URL},
    }


def dataset(request, key: str, title, description, distributions: list[dict], **extra) -> dict:
    return {
        "@id": absolute(request, reverse("public:data")) + f"#{key}",
        "@type": "dcat:Dataset",
        "dct:identifier": key,
        "dct:title": both_languages(title),
        "dct:description": both_languages(description),
        "dct:publisher": publisher(),
        "dcat:contactPoint": contact_point(),
        "dct:license": {"@id": LICENSE_URL},
        "dct:language": {"@id": SWEDISH},
        "dcat:theme": {"@id": GOVERNMENT_THEME},
        "dcat:keyword": both_languages(lambda: _("goals")),
        "dcat:landingPage": {"@id": absolute(request, reverse("public:data"))},
        "dcat:distribution": distributions,
        **extra,
    }


def goals_dataset(request, period) -> dict:
    query = {"period": period.slug}
    return dataset(
        request,
        f"goals-{period.slug}",
        lambda: _("Decided goals %(period)s") % {"period": period.name},
        lambda: (
            _(
                "The decided goals of Norrköpings kommun's goal hierarchy for the mandate period %(period)s: "
                "the vision, goal areas, the council's goals and the committees' and units' decided goals, "
                "with who decided them and when."
            )
            % {"period": period.name}
        ),
        [
            distribution(request, "public:goals-csv", "csv", query),
            distribution(request, "public:goals-json", "json", query),
        ],
        **{
            "dct:temporal": {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": period.start.isoformat(), "@type": "xsd:date"},
                "dcat:endDate": {"@value": period.end.isoformat(), "@type": "xsd:date"},
            }
        },
    )


def catalog(request, periods) -> dict:
    datasets = [goals_dataset(request, period) for period in periods]
    datasets.append(
        dataset(
            request,
            "indicators",
            lambda: _("Indicators of the decided goals"),
            lambda: _(
                "The indicators that follow the decided goals up: definitions, targets per year and "
                "measured values. Values from Kolada are credited: Källa: Kolada."
            ),
            [
                distribution(request, "public:indicators-csv", "csv"),
                distribution(request, "public:indicators-json", "json"),
            ],
        )
    )
    datasets.append(
        dataset(
            request,
            "followup",
            lambda: _("Published follow-up of the goals"),
            lambda: _("The published follow-up rounds: how each decided goal was assessed, with analysis."),
            [distribution(request, "public:followup-json", "json")],
        )
    )
    return {
        "@context": CONTEXT,
        "@id": absolute(request, reverse("public:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": both_languages(lambda: _("Norrköpings kommun's vision and goals")),
        "dct:description": both_languages(
            lambda: _(
                "Open data about the vision, the decided goals and their follow-up in Norrköpings kommun."
            )
        ),
        "dct:publisher": publisher(),
        "dct:license": {"@id": LICENSE_URL},
        "dct:language": {"@id": SWEDISH},
        "foaf:homepage": {"@id": absolute(request, reverse("public:home"))},
        "dcat:dataset": datasets,
    }
