"""The public site walked as an anonymous reader over the demo with planted non-public items."""

import csv
import io
import json

import pytest
from django.test import Client

from goals.models import Goal
from tests.factories import UserFactory
from tests.goals.public.conftest import (
    DEMO_UNDECIDED,
    FILE_URLS,
    PAGE_URLS,
    PLANTED_ASSESSMENT,
    PLANTED_EMAIL,
    PLANTED_FACILITATOR,
    PLANTED_GOAL,
    PLANTED_USER,
    PLANTED_WORKSHOP,
    PUBLISHED_ASSESSMENT,
    every_public_url,
)

NEVER_PUBLIC = [
    PLANTED_GOAL,
    PLANTED_ASSESSMENT,
    PLANTED_WORKSHOP,
    PLANTED_FACILITATOR,
    PLANTED_USER,
    PLANTED_EMAIL,
    DEMO_UNDECIDED,
    # The demo's accounts, its e-mail domain and the system actor that writes history.
    "redaktor",
    "lasare",
    "@example.org",
    "system",
    # Intranet-only places.
    "/admin/",
    "csrfmiddlewaretoken",
]


def test_every_public_page_and_file_shows_nothing_that_is_not_public(planted, settings):
    """Every page (sv and en), fragment and file answers 200 to an anonymous reader, cacheable and without
    cookies, and none shows a draft, a workshop, a user name, an e-mail address or a history author; what is
    public is there; undecided goals are not found; with the site off every one of these URLs is 404.

    One test, so the demo is loaded once."""
    client = Client()
    urls = every_public_url()
    assert len(urls) > 60
    problems = []
    for url, headers in urls:
        response = client.get(url, **headers)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        text = response.content.decode()
        problems += [f"{url} shows {word!r}" for word in NEVER_PUBLIC if word.lower() in text.lower()]
        if response.cookies:
            problems.append(f"{url} sets cookies {sorted(response.cookies)}")
        if "Cookie" in response.get("Vary", ""):
            problems.append(f"{url} varies by Cookie: {response['Vary']}")
        cache_control = response.get("Cache-Control", "")
        if (
            "public" not in cache_control
            or "max-age=" not in cache_control
            or not response.has_header("ETag")
        ):
            problems.append(f"{url}: Cache-Control {cache_control!r}, ETag {response.get('ETag')!r}")
    assert not problems, "\n".join(problems)
    what_is_public_reaches_the_pages_and_files(planted)
    undecided_goals_are_not_found(planted)
    settings.PUBLIC_SITE = False
    statuses = {url: client.get(url, **headers).status_code for url, headers in urls}
    assert set(statuses.values()) == {404}


def what_is_public_reaches_the_pages_and_files(planted):
    """The decided goals are there: the vision on the start page, a committee goal in its red thread, the files."""
    client = Client()
    start = client.get("/public/").content.decode()
    assert "NORRKÖPING tar plats" in start and "Norrköpingsbornas utbildningsnivå ska höjas" in start
    committee = Goal.objects.get(
        title="Fler elever ska nå behörighet till gymnasieskolan", period__slug="2023-2026"
    )
    page = client.get(f"/public/goals/{committee.pk}/").content.decode()
    crumbs = page.split('aria-label="Röd tråd"')[1].split("</nav>")[0]
    assert "NORRKÖPING tar plats" in crumbs and "Arbete och företagande" in crumbs
    council = client.get(f"/public/goals/{planted.decided.pk}/").content.decode()
    assert PUBLISHED_ASSESSMENT in council
    hits = client.get("/public/goals/?q=elever").content.decode()
    assert "Fler elever ska nå behörighet till gymnasieskolan" in hits.replace("<mark>", "").replace(
        "</mark>", ""
    )
    assert PLANTED_GOAL not in client.get("/public/goals/?q=Planterat").content.decode()
    rounds = json.loads(client.get("/public/data/followup.json").content)["rounds"]
    # The demo's published annual report for 2025 and the planted one for 2024; never the open round.
    assert [(r["year"], r["kind"]) for r in rounds] == [(2025, "helar"), (2024, "helar")]
    planted = rounds[1]
    assert planted["assessments"][0]["analysis"] == PUBLISHED_ASSESSMENT
    assert all("author" not in a for r in rounds for a in r["assessments"])
    assert "Utbildningsnämnden" in council.split('id="units-h"')[1].split("</section>")[0]

    rows = list(csv.DictReader(io.StringIO(client.get("/public/data/goals.csv").content.decode("utf-8-sig"))))
    titles = {row["title"] for row in rows}
    assert "Fler elever ska nå behörighet till gymnasieskolan" in titles
    assert PLANTED_GOAL not in titles and DEMO_UNDECIDED not in titles
    assert all(row["decided_by"] and row["decided_on"] for row in rows)
    by_id = {row["external_id"]: row for row in rows}
    committee_row = next(row for row in rows if row["title"] == committee.title)
    assert (
        by_id[committee_row["parent_external_id"]]["title"] == "Norrköpingsbornas utbildningsnivå ska höjas"
    )
    document = json.loads(client.get("/public/data/goals.json?period=2023-2026").content)
    assert {goal["title"] for goal in document["goals"]} == titles
    assert document["license"].startswith("https://creativecommons.org/publicdomain/zero/")


def undecided_goals_are_not_found(planted):
    client = Client()
    assert client.get(f"/public/goals/{planted.undecided.pk}/").status_code == 404
    assert (
        client.get(
            f"/public/goals/{planted.undecided.pk}/children/?period=2023-2026", HTTP_HX_REQUEST="true"
        ).status_code
        == 404
    )


def test_english_is_chosen_by_the_url_alone(db, public_on, small_tree):
    """?lang=en gives English, whatever the Accept-Language; no parameter gives Swedish; no cookie either way."""
    client = Client()
    english = client.get("/public/?lang=en", HTTP_ACCEPT_LANGUAGE="sv")
    swedish = client.get("/public/", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        '<html lang="en">' in english.content.decode()
        and "How the vision is applied" in english.content.decode()
    )
    assert '<html lang="sv">' in swedish.content.decode()
    assert english["Content-Language"] == "en" and swedish["Content-Language"] == "sv"
    assert 'href="/public/goals/?lang=en"' in english.content.decode()
    assert not english.cookies and not swedish.cookies


@pytest.mark.parametrize("url", PAGE_URLS + FILE_URLS + ["/public/goals/1/", "/public/goals/1/children/"])
def test_every_public_url_is_not_found_while_the_site_is_off(db, settings, client, url):
    settings.PUBLIC_SITE = False
    assert client.get(url).status_code == 404


def test_the_intranet_start_page_links_to_the_public_site_while_it_is_on(db, settings, client, small_tree):
    client.force_login(UserFactory(username="lasare"))
    settings.PUBLIC_SITE = True
    assert 'href="/public/"' in client.get("/").content.decode()
    settings.PUBLIC_SITE = False
    assert 'href="/public/"' not in client.get("/").content.decode()
