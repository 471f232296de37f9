"""How the public site answers over HTTP: cacheable, conditional, from the cache, without cookies."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from goals import services
from goals.public.http import MAX_AGE
from vision.actors import system_actor


@pytest.fixture
def client_and_tree(db, public_on, small_tree):
    for goal in small_tree.values():
        services.goal_update(
            by=system_actor(), goal=goal, decided_by="Kommunfullmäktige", decided_on="2022-12-19"
        )
    return Client(), small_tree


URLS = [
    "/public/",
    "/public/goals/",
    "/public/data/",
    "/public/data/goals.csv",
    "/public/data/goals.json",
    "/public/data/indicators.csv",
    "/public/data/indicators.json",
    "/public/data/followup.json",
    "/public/data/catalog.jsonld",
]


def test_every_page_and_file_is_public_for_max_age_with_an_etag_and_answers_304_when_unchanged(
    client_and_tree,
):
    client, tree = client_and_tree
    for url in URLS + [f"/public/goals/{tree['council'].pk}/"]:
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["Cache-Control"] == f"public, max-age={MAX_AGE}", url
        etag = first["ETag"]
        assert etag.startswith('"') and etag.endswith('"'), url
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304, url
        assert again.content == b"" and again["ETag"] == etag, url
        assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200, url


def test_a_repeated_request_is_answered_from_the_cache_without_a_query(client_and_tree):
    client, _ = client_and_tree
    client.get("/public/goals/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/public/goals/")
    assert response.status_code == 200 and len(queries) == 0


def test_a_goal_write_gives_a_new_page_and_a_new_etag(client_and_tree):
    client, tree = client_and_tree
    url = f"/public/goals/{tree['area'].pk}/"
    before = client.get(url)
    services.goal_update(by=system_actor(), goal=tree["council"], title="En ännu klimatsmartare kommun")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "En ännu klimatsmartare kommun" in after.content.decode()
    assert after["ETag"] != before["ETag"]


def test_a_goal_losing_its_decision_leaves_the_site_at_once(client_and_tree):
    client, tree = client_and_tree
    url = f"/public/goals/{tree['first'].pk}/"
    assert client.get(url).status_code == 200
    services.goal_update(by=system_actor(), goal=tree["first"], decided_on=None)
    assert client.get(url).status_code == 404
    assert "Solpaneler på skolor" not in client.get("/public/data/goals.csv").content.decode()


def test_anonymous_responses_set_no_cookie_and_do_not_vary_by_cookie(client_and_tree):
    client, tree = client_and_tree
    for url in URLS + [f"/public/goals/{tree['council'].pk}/?lang=en"]:
        response = client.get(url)
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url
        assert "Set-Cookie" not in response.headers, url


def test_the_policy_is_as_strict_as_the_intranets(client_and_tree):
    """No inline script or style is allowed: the pages need none (and no nonce, which a cached page could not carry)."""
    client, _ = client_and_tree
    header = client.get("/public/")["Content-Security-Policy"]
    policy = dict(directive.strip().split(" ", 1) for directive in header.split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert "unsafe-inline" not in header and "nonce-" not in header


def test_only_reading_is_allowed(client_and_tree):
    client, _ = client_and_tree
    assert client.head("/public/").status_code == 200
    assert client.post("/public/").status_code in (403, 405)


def test_unknown_parameters_share_the_cache_entry_of_the_page(client_and_tree):
    client, _ = client_and_tree
    first = client.get("/public/goals/")
    with CaptureQueriesContext(connection) as queries:
        other = client.get("/public/goals/?utm_source=newsletter&x=1")
    assert other["ETag"] == first["ETag"] and len(queries) == 0


def test_the_expand_fragment_varies_by_the_htmx_header(client_and_tree):
    client, tree = client_and_tree
    url = f"/public/goals/{tree['council'].pk}/children/"
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "HX-Request" in fragment["Vary"]
    assert "Solpaneler på skolor" in fragment.content.decode()
    plain = client.get(url)
    assert plain.status_code == 302 and f"open={tree['council'].pk}" in plain["Location"]


def test_the_intranet_still_needs_a_sign_in(client_and_tree):
    client, _ = client_and_tree
    assert client.get("/goals/").status_code == 302
