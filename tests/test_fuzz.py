"""No request anyone can make gives a 5xx: every URL pattern, as every role, with hostile input.

The patterns come from the resolver, so a new page is fuzzed without being listed here.
Two passes: a sweep that sends each pattern a hostile GET (and a hostile POST) as each
role, and a hypothesis run that mixes patterns, roles, methods, query strings, form
fields and headers. The figures (requests, roles, patterns) are printed with ``-s``.
"""

import itertools
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import LectureFactory, MaterialFactory, UserFactory, WorkshopFactory

ROLES = ["anonymous", "reader", "editor", "admin"]
HYPOTHESIS_EXAMPLES = 150

HUGE = "9" * 25  # past a 64-bit integer: SQLite raised OverflowError on it
ENORMOUS = "9" * 4400  # past Python's int() digit limit (ValueError)
HOSTILE_VALUES = [
    HUGE,
    ENORMOUS,
    "-1",
    "0",
    "",
    "abc",
    "1e9",
    "0x10",
    "NaN",
    "1.5",
    "\x00",
    "%",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "ö" * 3000,
    "../../etc/passwd",
    "2023-13-45",
    "[]",
    '{"a": [[[[[]]]]]}',
]
# Names the app's pages, forms and APIs read, and a few they do not.
PARAMETERS = [
    "period",
    "unit",
    "level",
    "status",
    "open",
    "close",
    "page",
    "page_size",
    "q",
    "root",
    "depth",
    "lang",
    "from",
    "to",
    "goal",
    "goals",
    "parent",
    "next",
    "year",
    "kind",
    "format",
    "material",
    "held_on",
    "facilitator",
    "title",
    "owner",
    "target",
    "contributes_to",
    "value",
    "gender",
    "version",
    "_save",
    "action",
    "_selected_action",
    "o",
    "p",
    "all",
    "e",
]
HOSTILE_HEADERS = {
    "HTTP_RANGE": "bytes=" + "9" * 5000 + "-",
    "HTTP_IF_NONE_MATCH": '"' + "x" * 5000 + '"',
    "HTTP_IF_RANGE": "W/" + HUGE,
    "HTTP_ACCEPT_LANGUAGE": "zz-" + "x" * 500 + ";q=" + HUGE,
    "HTTP_X_FORWARDED_FOR": "999.999.999.999, " + "1." * 200,
    "HTTP_HX_REQUEST": "true",
    "HTTP_HX_TARGET": "<script>",
    "HTTP_REFERER": "javascript:alert(1)",
    "HTTP_ACCEPT": "application/json;q=" + HUGE,
}
HEADER_CHOICES = {
    "HTTP_RANGE": ["bytes=0-", "bytes=-" + ENORMOUS, "bytes=" + HUGE + "-" + HUGE, "bytes=5-1", "items=1-2"],
    "HTTP_IF_NONE_MATCH": ["*", '"', "W/" + HUGE],
    "HTTP_ACCEPT_LANGUAGE": ["en", "sv-SE", "*;q=" + HUGE, "\x00"],
    "HTTP_HX_REQUEST": ["true"],
    "HTTP_X_FORWARDED_FOR": ["::1", "not an address"],
    "HTTP_ACCEPT": ["text/html", "application/json", "*/*;q=" + ENORMOUS],
}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def url_patterns():
    """Every pattern the resolver knows, as its full route text, in order."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return list(dict.fromkeys(walk(get_resolver().url_patterns, "")))


def fill(route: str, values: dict[str, list[str]], turn: int) -> str:
    """A concrete path for ``route``: each parameter takes a real value or a hostile one, by turn."""

    def value_for(converter: str, name: str) -> str:
        choices = values.get(converter) or values["str"]
        return choices[turn % len(choices)]

    path = CONVERTER.sub(lambda m: value_for(m["converter"] or "str", m["name"]), route)
    path = REGEX_GROUP.sub(lambda m: value_for("str", m["name"]), path)
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path.lstrip("/")


@pytest.fixture
def world(db, small_tree, period, office, council, editor):
    """A little of everything the pages show, and a client per role."""
    lecture = LectureFactory()
    material = MaterialFactory()
    goal = small_tree["first"]
    workshop = WorkshopFactory(unit=office, goals=[goal])
    clients = {"anonymous": Client()}
    for role, user in [
        ("reader", UserFactory(username="fuzz-lasare")),
        ("editor", editor),
        ("admin", UserFactory(username="fuzz-admin", is_staff=True, is_superuser=True)),
    ]:
        clients[role] = Client()
        clients[role].force_login(user)
    ids = [str(goal.pk), str(lecture.pk), str(material.pk), str(workshop.pk), "0", HUGE, ENORMOUS]
    values = {
        "int": ids,
        "slug": [office.slug, period.slug, council.slug, "no-such-slug", "-" * 60],
        "path": [lecture.video.name, material.file.name, "../../settings.py", "x/" * 200, "abc"],
        "uuid": [str(goal.external_id), "00000000-0000-0000-0000-000000000000"],
        "str": [*ids, "abc", "x" * 300],
    }
    return {"clients": clients, "values": values, "routes": url_patterns()}


def assert_no_server_error(response, method: str, path: str, role: str) -> None:
    assert response.status_code < 500, f"{method} {path[:200]} as {role}: {response.status_code}"


def test_every_url_pattern_as_every_role_answers_hostile_input_without_a_5xx(world):
    """Each pattern, each role: a GET with every parameter hostile and hostile headers, and a POST
    of hostile form fields; ids filled by turns with real ones, 0, 25 digits and 4400 digits."""
    routes, clients, values = world["routes"], world["clients"], world["values"]
    assert len(routes) > 150, "the resolver's patterns, the admin's included"
    requests = 0
    for turn, (route, role) in enumerate(itertools.product(routes, ROLES)):
        client = clients[role]
        path = fill(route, values, turn)
        # Every hostile value in every request, on a different parameter each turn.
        query = {
            name: HOSTILE_VALUES[(turn + index) % len(HOSTILE_VALUES)]
            for index, name in enumerate(PARAMETERS)
        }
        response = client.get(path, query, **HOSTILE_HEADERS)
        assert_no_server_error(response, "GET", path, role)
        response = client.post(path, query, **HOSTILE_HEADERS)
        assert_no_server_error(response, "POST", path, role)
        requests += 2
    print(f"fuzz sweep: {requests} requests, {len(routes)} patterns, roles {', '.join(ROLES)}")


def test_admin_children_with_a_malformed_id_is_a_404(world):
    """Before: /admin/goals/goal/children/abc/ was a 500."""
    response = world["clients"]["admin"].get("/admin/goals/goal/children/abc/")
    assert response.status_code == 404


@pytest.mark.parametrize("number", [HUGE, ENORMOUS, "-" + HUGE])
def test_the_requests_issue_17_found_answer_without_a_5xx(world, small_tree, office, number):
    """The 500s once seen: ?open= past 64 bits, a relink POST and a workshop form with such ids."""
    admin, editor = world["clients"]["admin"], world["clients"]["editor"]
    goal = small_tree["first"]
    requests = [
        admin.get("/goals/", {"open": number}),
        admin.get(f"/goals/{goal.pk}/children/", {"open": number, "page": number}),
        admin.post(f"/relinking/{goal.pk}/", {"parent": number}),
        editor.post(
            f"/dialogue/units/{office.slug}/workshops/new/", {"goals": number, "held_on": "2025-09-10"}
        ),
        editor.get(f"/dialogue/units/{office.slug}/workshops/new/", {"goals": number, "q": number}),
        admin.get(f"/api/goals/{number}/"),
        admin.get("/api/tree/", {"root": number}),
    ]
    for response in requests:
        assert response.status_code < 500, response.request["PATH_INFO"]


@settings(
    max_examples=HYPOTHESIS_EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_hypothesis_mixes_patterns_roles_methods_parameters_and_headers_without_a_5xx(world, data):
    routes, clients, values = world["routes"], world["clients"], world["values"]
    route = data.draw(st.sampled_from(routes), label="route")
    role = data.draw(st.sampled_from(ROLES), label="role")
    method = data.draw(st.sampled_from(["get", "post", "head"]), label="method")
    path = fill(route, values, data.draw(st.integers(min_value=0, max_value=50), label="turn"))
    value = st.one_of(
        st.sampled_from(HOSTILE_VALUES),
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    )
    params = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), value, max_size=6), label="params")
    headers = data.draw(
        st.dictionaries(
            st.sampled_from(sorted(HEADER_CHOICES)),
            st.sampled_from(sorted({v for vs in HEADER_CHOICES.values() for v in vs})),
            max_size=3,
        ),
        label="headers",
    )
    response = getattr(clients[role], method)(path, params, **headers)
    assert_no_server_error(response, method.upper(), path, role)
    world["hypothesis_requests"] = world.get("hypothesis_requests", 0) + 1
    if world["hypothesis_requests"] == HYPOTHESIS_EXAMPLES:
        print(
            f"fuzz hypothesis: {HYPOTHESIS_EXAMPLES} requests over {len(routes)} patterns, roles {', '.join(ROLES)}"
        )
