import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from goals import services
from goals.api import views as api
from goals.models import Goal, GoalLevel, GoalStatus
from goals.services.generate import generate_goals
from tests.factories import GoalFactory, UnitFactory, UserFactory
from vision.actors import system_actor

ENDPOINTS = ["/api/periods/", "/api/units/", "/api/goals/", "/api/tree/", "/api/schema/?format=json"]


@pytest.fixture
def reader(db):
    return UserFactory(username="lasare")


@pytest.fixture
def api_client(reader):
    client = APIClient()
    client.force_login(reader)
    return client


def ids(goals: list[dict]) -> list[int]:
    return [g["id"] for g in goals]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_get_401_in_json_not_a_login_redirect(db, url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert "json" in response["Content-Type"] and "detail" in response.json()
    assert response["WWW-Authenticate"] == "Token"


def test_a_token_made_in_the_admin_authenticates(reader, period):
    token = Token.objects.create(user=reader)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/periods/").status_code == 200
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/periods/").status_code == 401


def test_periods_list_and_detail(api_client, period, next_period):
    response = api_client.get("/api/periods/")
    assert response.json() == [
        {
            "slug": "2023-2026",
            "name": "2023–2026",
            "start": "2023-01-01",
            "end": "2026-12-31",
            "is_current": True,
        },
        {
            "slug": "2027-2030",
            "name": "2027–2030",
            "start": "2027-01-01",
            "end": "2030-12-31",
            "is_current": False,
        },
    ]
    assert api_client.get("/api/periods/2027-2030/").json()["name"] == "2027–2030"
    assert api_client.get("/api/periods/1999-2002/").status_code == 404


def test_units_list_names_kind_and_parent_slug(api_client, council):
    UnitFactory(slug="utbildningsnamnden", name="Utbildningsnämnden", kind="committee", parent=council)
    units = {u["slug"]: u for u in api_client.get("/api/units/").json()}
    assert units["utbildningsnamnden"] == {
        "slug": "utbildningsnamnden",
        "name": "Utbildningsnämnden",
        "kind": "committee",
        "parent": "kommunfullmaktige",
    }
    assert units["kommunfullmaktige"]["parent"] is None
    assert api_client.get("/api/units/utbildningsnamnden/").json()["kind"] == "committee"


def test_goal_list_carries_the_contract_fields(api_client, small_tree):
    first = small_tree["first"]
    response = api_client.get("/api/goals/", {"q": "Solpaneler"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    goal = body["results"][0]
    assert goal == {
        "id": first.pk,
        "external_id": str(first.external_id),
        "title": "Solpaneler på skolor",
        "level": "unit",
        "status": "active",
        "depth": 4,
        "parent": small_tree["council"].pk,
        "period": "2023-2026",
        "until_period": None,
        "unit": "utbildningskontoret",
        "url": "http://testserver" + reverse("goals:goal-detail", kwargs={"pk": first.pk}),
    }


def test_goal_list_is_in_tree_order_with_the_vision_parentless(api_client, small_tree):
    results = api_client.get("/api/goals/").json()["results"]
    expected = [small_tree[k].pk for k in ("vision", "area", "council", "first", "second")]
    assert ids(results) == expected
    assert results[0]["parent"] is None and results[0]["period"] is None


def test_goal_list_filters(api_client, small_tree, next_period, council, office):
    later = GoalFactory(
        parent=small_tree["vision"], level="area", owner=council, period=next_period, title="Trygghet"
    )
    services.goal_retire(by=system_actor(), goal=small_tree["second"])

    def found(**params):
        return ids(api_client.get("/api/goals/", params).json()["results"])

    in_first = found(period="2023-2026")
    assert later.pk not in in_first and small_tree["vision"].pk in in_first
    assert found(period="2027-2030") == [small_tree["vision"].pk, later.pk]
    assert found(unit="utbildningskontoret") == [small_tree["first"].pk, small_tree["second"].pk]
    assert found(level="council") == [small_tree["council"].pk]
    assert found(status="retired") == [small_tree["second"].pk]
    assert found(q="cykel") == [small_tree["second"].pk]
    assert found(period="2023-2026", unit="kommunfullmaktige", level="area") == [small_tree["area"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "galaxy"}, "level"),
        ({"status": "maybe"}, "status"),
        ({"status": ""}, "status"),
        ({"level": ""}, "level"),
        ({"parent": "x"}, "parent"),
        ({"page": ""}, "page"),
        ({"page_size": "-1"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "9" * 5000}, "page"),
        ({"parent": "9" * 4400}, "parent"),
    ],
)
def test_goal_list_refuses_bad_filter_values_with_400(api_client, small_tree, params, field):
    """Values the schema forbids, empty ones included (before: ``?status=`` and ``?page=`` were accepted)."""
    response = api_client.get("/api/goals/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"period": "1999-2002"}, "period"),
        ({"unit": "no-such-unit"}, "unit"),
        ({"parent": "999999"}, "parent"),
    ],
)
def test_goal_list_answers_404_for_a_filter_naming_nothing(api_client, small_tree, params, field):
    """A well-formed slug or id that names nothing is a 404 saying which (before: an undocumented 400)."""
    response = api_client.get("/api/goals/", params)
    assert response.status_code == 404
    assert field in response.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/goals/-1/",
        "/api/units/%C2%84/",
        "/api/periods/%20/",
        "/api/nothing/",
        "/api/dialogue/lectures/0.5/",
    ],
)
def test_unknown_paths_under_the_api_answer_json_404(api_client, small_tree, path):
    """Before: Django's HTML 404 page."""
    response = api_client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_api_paths_answer_anonymous_callers_401_json(db):
    response = APIClient().get("/api/nothing/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def test_a_method_the_api_does_not_take_is_a_json_405(api_client, small_tree):
    response = api_client.delete("/api/goals/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"


def test_goal_detail_lists_children_up_to_a_limit_with_a_link_to_the_rest(
    api_client, small_tree, monkeypatch
):
    """A goal with more children than the limit lists the first ones and links to every one."""
    from goals.api import views

    monkeypatch.setattr(views, "DETAIL_CHILDREN_LIMIT", 1)
    council = small_tree["council"]
    body = api_client.get(f"/api/goals/{council.pk}/").json()
    assert body["children_count"] == 2
    assert body["children_limit"] == 1
    assert ids(body["children"]) == [small_tree["first"].pk]
    rest = api_client.get(body["children_url"]).json()
    assert ids(rest["results"]) == [small_tree["first"].pk, small_tree["second"].pk]


def test_goal_list_pages(api_client, small_tree):
    body = api_client.get("/api/goals/", {"page_size": 2, "page": 2}).json()
    assert body["count"] == 5
    assert ids(body["results"]) == [small_tree["council"].pk, small_tree["first"].pk]
    assert api_client.get("/api/goals/", {"page": 99}).status_code == 404


def test_goal_detail_has_red_thread_children_links_and_lineage(api_client, small_tree, next_period):
    council_goal, first, second = small_tree["council"], small_tree["first"], small_tree["second"]
    services.goal_link_add(by=system_actor(), source=first, target=small_tree["area"])
    carried = services.period_carry_over(by=system_actor(), source=first.period, target=next_period)
    successor = carried.successors[first.pk]

    body = api_client.get(f"/api/goals/{first.pk}/").json()
    assert [a["id"] for a in body["ancestors"]] == [small_tree[k].pk for k in ("vision", "area", "council")]
    assert [a["parent"] for a in body["ancestors"]] == [None, small_tree["vision"].pk, small_tree["area"].pk]
    assert body["parent"] == council_goal.pk
    assert ids(body["contributes_to"]) == [small_tree["area"].pk]
    assert body["contributed_to_by"] == []
    assert body["predecessor"] is None
    assert body["successor"]["id"] == successor.pk and body["successor"]["period"] == "2027-2030"

    council_body = api_client.get(f"/api/goals/{council_goal.pk}/").json()
    assert ids(council_body["children"]) == [first.pk, second.pk]
    assert {c["parent"] for c in council_body["children"]} == {council_goal.pk}

    area_body = api_client.get(f"/api/goals/{small_tree['area'].pk}/").json()
    assert ids(area_body["contributed_to_by"]) == [first.pk]

    successor_body = api_client.get(f"/api/goals/{successor.pk}/").json()
    assert successor_body["predecessor"]["id"] == first.pk
    assert api_client.get("/api/goals/999999/").status_code == 404


def test_tree_nests_the_period_from_the_vision(api_client, small_tree):
    body = api_client.get("/api/tree/", {"period": "2023-2026"}).json()
    assert body["period"] == "2023-2026" and body["truncated"] is False and body["count"] == 5
    (vision,) = body["nodes"]
    area = vision["children"][0]
    council_goal = area["children"][0]
    assert vision["id"] == small_tree["vision"].pk and vision["parent"] is None
    assert ids(council_goal["children"]) == [small_tree["first"].pk, small_tree["second"].pk]
    assert council_goal["children"][0]["parent"] == council_goal["id"]
    assert council_goal["children"][0]["children"] == []


def test_tree_defaults_to_the_current_period(api_client, small_tree):
    assert api_client.get("/api/tree/").json()["period"] == "2023-2026"


def test_tree_depth_and_root_bound_what_is_returned(api_client, small_tree):
    body = api_client.get("/api/tree/", {"depth": 2}).json()
    area = body["nodes"][0]["children"][0]
    assert body["depth"] == 2 and body["count"] == 2 and body["truncated"] is True
    assert area["children"] == [] and area["children_omitted"] == 1

    council_goal = small_tree["council"]
    body = api_client.get("/api/tree/", {"root": council_goal.pk}).json()
    (top,) = body["nodes"]
    assert top["id"] == council_goal.pk and top["parent"] == small_tree["area"].pk
    assert body["count"] == 3 and body["depth"] == 4


def test_tree_stops_before_the_level_that_would_pass_max_nodes(api_client, small_tree, monkeypatch):
    monkeypatch.setattr(api, "TREE_MAX_NODES", 4)
    body = api_client.get("/api/tree/").json()
    assert body["count"] == 3 and body["depth"] == 3 and body["truncated"] is True
    council_goal = body["nodes"][0]["children"][0]["children"][0]
    assert council_goal["children_omitted"] == 2


def test_tree_refuses_a_root_outside_the_period(api_client, small_tree, next_period):
    assert api_client.get("/api/tree/", {"period": "1999-2002"}).status_code == 404
    assert api_client.get("/api/tree/", {"depth": ""}).status_code == 400
    assert api_client.get("/api/tree/", {"root": 999999}).status_code == 404


def test_docs_page_loads_swagger_ui_from_local_static_files(api_client):
    response = api_client.get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()


def test_docs_page_sends_anonymous_people_to_the_login_page(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# Query counts: the same ceiling at two data sizes, so an N+1 cannot land.


@pytest.fixture(params=[40, 400], ids=["small", "large"])
def generated(request, db):
    tree = generate_goals(by=system_actor(), goals_per_period=request.param, periods=1)
    return tree


def test_goal_list_queries_do_not_grow_with_page_size(api_client, generated, django_assert_max_num_queries):
    period = generated.periods[0].slug
    with django_assert_max_num_queries(6):
        body = api_client.get("/api/goals/", {"period": period, "page_size": 500}).json()
    assert len(body["results"]) == min(body["count"], 500) > 30
    assert all(g["parent"] for g in body["results"][1:])


def test_tree_queries_do_not_grow_with_tree_size(api_client, generated, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        body = api_client.get("/api/tree/", {"period": generated.periods[0].slug}).json()
    assert body["count"] == Goal.objects.count()


def test_goal_detail_queries_do_not_grow_with_children(api_client, generated, django_assert_max_num_queries):
    vision = generated.vision
    area = Goal.objects.child_of(vision).first()
    busiest = Goal.objects.descendant_of(area).exclude(level=GoalLevel.ACTIVITY).order_by("-numchild").first()
    with django_assert_max_num_queries(8):
        body = api_client.get(f"/api/goals/{busiest.pk}/").json()
    assert len(body["children"]) == busiest.numchild
    assert body["ancestors"][0]["id"] == vision.pk


def test_status_filter_lists_only_that_status(api_client, small_tree):
    services.goal_retire(by=system_actor(), goal=small_tree["first"])
    active = ids(api_client.get("/api/goals/", {"status": GoalStatus.ACTIVE}).json()["results"])
    assert small_tree["first"].pk not in active and small_tree["second"].pk in active
