"""Who may open what: every URL pattern × anonymous, viewer, editor of unit A, editor of unit B, administrator.

The patterns come from the URL resolver, so a new view without an entry here
fails the test, and none can slip through unreviewed. Each entry builds a
concrete URL from objects made with the factories and states the status each
role must get. Admin pages are generated per registered model: a model newly
registered in the admin needs its row in ADMIN_MODELS.

Run with MATRIX_PRINT=FILE to write what each role actually gets into FILE, for review.
"""

import datetime
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms as django_forms
from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from goals import services
from goals.models import Goal, GoalLink
from tests.factories import (
    GoalFactory,
    LectureFactory,
    MaterialFactory,
    PeriodFactory,
    UnitFactory,
    UserFactory,
    WorkshopFactory,
)
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole
from vision.services import membership_grant

ROLES = ("anonymous", "viewer", "editor_a", "editor_b", "admin")


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def expect(anonymous, viewer, editor_a, editor_b, admin) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, viewer, editor_a, editor_b, admin), strict=True))


@dataclass
class World:
    unit_a: object
    unit_b: object
    period: object
    goal_a: object
    goal_b: object
    link_a: object
    material: object
    lecture: object
    workshop_a: object
    users: dict


# Every signed-in user reads everything; only the sign-in pages, /healthz and the
# accessibility statement are open to anonymous visitors.
PAGE = expect(302, 200, 200, 200, 200)
OPEN = expect(200, 200, 200, 200, 200)
API = expect(401, 200, 200, 200, 200)

# Pages outside the admin: route -> (URL builder, expected statuses).
PAGES = {
    "healthz": (lambda w: "/healthz", OPEN),
    "i18n/setlang/": (lambda w: "/i18n/setlang/?next=/goals/", expect(302, 302, 302, 302, 302)),
    "accounts/login/": (lambda w: "/accounts/login/", OPEN),
    # Signing out is a POST; a GET is refused for everyone signed in.
    "accounts/logout/": (lambda w: "/accounts/logout/", expect(302, 405, 405, 405, 405)),
    # Single sign-on is not configured in tests (tests/vision/test_auth.py switches it on).
    "oidc/authenticate/": (lambda w: "/oidc/authenticate/", expect(404, 404, 404, 404, 404)),
    "oidc/callback/": (lambda w: "/oidc/callback/", expect(404, 404, 404, 404, 404)),
    "": (lambda w: "/", PAGE),
    "goals/": (lambda w: "/goals/", PAGE),
    "goals/<int:pk>/": (lambda w: f"/goals/{w.goal_a.pk}/", PAGE),
    # Asked for by htmx; a plain request is sent to the tree page.
    "goals/<int:pk>/children/": (
        lambda w: (f"/goals/{w.goal_a.pk}/children/", {"HTTP_HX_REQUEST": "true"}),
        PAGE,
    ),
    "units/<slug:slug>/": (lambda w: f"/units/{w.unit_a.slug}/", PAGE),
    "search/": (lambda w: "/search/?q=skola", PAGE),
    "accessibility/": (lambda w: "/accessibility/", OPEN),
    "periods/compare/": (lambda w: "/periods/compare/", PAGE),
    # Sends the user on to the current period's coverage.
    "periods/coverage/": (lambda w: "/periods/coverage/", expect(302, 302, 302, 302, 302)),
    "periods/<slug:slug>/coverage/": (lambda w: f"/periods/{w.period.slug}/coverage/", PAGE),
    # The re-linking queue is for editors; another unit's goal is not found at all.
    "relinking/": (lambda w: "/relinking/", expect(302, 403, 200, 200, 200)),
    "relinking/<int:pk>/": (lambda w: f"/relinking/{w.goal_a.pk}/", expect(302, 403, 200, 404, 200)),
    "files/<path:name>": (lambda w: f"/files/{w.material.file.name}", PAGE),
    "reports/red-thread/": (lambda w: f"/reports/red-thread/?unit={w.unit_a.slug}", PAGE),
    "dialogue/": (lambda w: "/dialogue/", PAGE),
    # The kit form's target redirects to the chosen unit's kit.
    "dialogue/kit/": (lambda w: f"/dialogue/kit/?unit={w.unit_a.slug}", expect(302, 302, 302, 302, 302)),
    "dialogue/kit/<slug:slug>/": (lambda w: f"/dialogue/kit/{w.unit_a.slug}/", PAGE),
    "dialogue/units/<slug:slug>/workshops/": (lambda w: f"/dialogue/units/{w.unit_a.slug}/workshops/", PAGE),
    # Any member of the unit records its work group's workshop (the viewer is a member of unit A).
    "dialogue/units/<slug:slug>/workshops/new/": (
        lambda w: f"/dialogue/units/{w.unit_a.slug}/workshops/new/",
        expect(302, 200, 200, 403, 200),
    ),
    "dialogue/kit/<slug:slug>/preview/": (lambda w: f"/dialogue/kit/{w.unit_a.slug}/preview/", PAGE),
    # Only images render_previews stored are served; none is stored here.
    "dialogue/previews/<path:name>": (
        lambda w: "/dialogue/previews/dialogue/previews/kit-none/slide-001.png",
        expect(302, 404, 404, 404, 404),
    ),
    "dialogue/lectures/<int:pk>/chapters.vtt": (
        lambda w: f"/dialogue/lectures/{w.lecture.pk}/chapters.vtt",
        PAGE,
    ),
    # Correcting and withdrawing, like recording, is for the unit's members and editors.
    "dialogue/workshops/<int:pk>/edit/": (
        lambda w: f"/dialogue/workshops/{w.workshop_a.pk}/edit/",
        expect(302, 200, 200, 403, 200),
    ),
    "dialogue/workshops/<int:pk>/withdraw/": (
        lambda w: f"/dialogue/workshops/{w.workshop_a.pk}/withdraw/",
        expect(302, 200, 200, 403, 200),
    ),
    "api/dialogue/^materials/$": (lambda w: "/api/dialogue/materials/", API),
    "api/dialogue/^materials/(?P<pk>[^/.]+)/$": (lambda w: f"/api/dialogue/materials/{w.material.pk}/", API),
    "api/dialogue/^lectures/$": (lambda w: "/api/dialogue/lectures/", API),
    "api/dialogue/^lectures/(?P<pk>[^/.]+)/$": (lambda w: f"/api/dialogue/lectures/{w.lecture.pk}/", API),
    "api/periods/": (lambda w: "/api/periods/", API),
    # Every unknown path under /api/ answers in JSON: 401 before sign-in, then 404.
    "api/^": (lambda w: "/api/no-such-thing/", expect(401, 404, 404, 404, 404)),
    "api/periods/<slug:slug>/": (lambda w: f"/api/periods/{w.period.slug}/", API),
    "api/units/": (lambda w: "/api/units/", API),
    "api/units/<slug:slug>/": (lambda w: f"/api/units/{w.unit_a.slug}/", API),
    "api/goals/": (lambda w: "/api/goals/", API),
    "api/goals/<int:pk>/": (lambda w: f"/api/goals/{w.goal_a.pk}/", API),
    "api/tree/": (lambda w: "/api/tree/", API),
    "api/schema/": (lambda w: "/api/schema/", API),
    # The API's docs page is for people: anonymous visitors are sent to sign in.
    "api/docs/": (lambda w: "/api/docs/", PAGE),
    # The public site (settings.PUBLIC_SITE on here): everyone reads it, signed in or not;
    # test_public_site_is_not_found_for_anyone_while_off has it off.
    "public/": (lambda w: "/public/", OPEN),
    "public/goals/": (lambda w: "/public/goals/?q=trygg", OPEN),
    "public/goals/<int:pk>/": (lambda w: f"/public/goals/{w.goal_a.pk}/", OPEN),
    "public/goals/<int:pk>/children/": (
        lambda w: (f"/public/goals/{w.goal_a.pk}/children/", {"HTTP_HX_REQUEST": "true"}),
        OPEN,
    ),
    "public/data/": (lambda w: "/public/data/", OPEN),
    "public/data/goals.csv": (lambda w: "/public/data/goals.csv", OPEN),
    "public/data/goals.json": (lambda w: "/public/data/goals.json", OPEN),
    "public/data/indicators.csv": (lambda w: "/public/data/indicators.csv", OPEN),
    "public/data/indicators.json": (lambda w: "/public/data/indicators.json", OPEN),
    "public/data/followup.json": (lambda w: "/public/data/followup.json", OPEN),
    "public/data/catalog.jsonld": (lambda w: "/public/data/catalog.jsonld", OPEN),
    # Follow-up: every signed-in user reads indicators; recording a value is a POST (a GET is not allowed).
    "indicators/": (lambda w: "/indicators/", PAGE),
    "indicators/<int:pk>/": (lambda w: f"/indicators/{indicator_a(w).pk}/", PAGE),
    "api/indicators/": (lambda w: "/api/indicators/", API),
    "api/indicators/<int:pk>/": (lambda w: f"/api/indicators/{indicator_a(w).pk}/", API),
    "api/indicators/<int:pk>/measurements/": (
        lambda w: f"/api/indicators/{indicator_a(w).pk}/measurements/",
        expect(401, 405, 405, 405, 405),
    ),
    # Follow-up rounds: every signed-in user reads them; saving an assessment is a
    # POST (pages) or PUT (API), whose rights tests/goals/followup/test_assessments.py checks.
    "followup/": (lambda w: "/followup/", PAGE),
    "followup/<int:pk>/": (lambda w: f"/followup/{round_a(w).pk}/", PAGE),
    "followup/<int:pk>/mine/": (lambda w: f"/followup/{round_a(w).pk}/mine/", PAGE),
    "followup/<int:pk>/goals/<int:goal_id>/assess/": (
        lambda w: f"/followup/{round_a(w).pk}/goals/{w.goal_a.pk}/assess/",
        expect(302, 405, 405, 405, 405),
    ),
    "followup/<int:pk>/units/<slug:slug>/": (
        lambda w: f"/followup/{round_a(w).pk}/units/{w.unit_a.slug}/",
        PAGE,
    ),
    "followup/<int:pk>/report.docx": (lambda w: f"/followup/{round_a(w).pk}/report.docx", PAGE),
    "followup/<int:pk>/report.xlsx": (lambda w: f"/followup/{round_a(w).pk}/report.xlsx", PAGE),
    # The frozen record exists once the round is published; this one is open.
    "followup/<int:pk>/snapshot.json": (
        lambda w: f"/followup/{round_a(w).pk}/snapshot.json",
        expect(302, 404, 404, 404, 404),
    ),
    "api/followup/rounds/": (lambda w: "/api/followup/rounds/", API),
    "api/followup/rounds/<int:pk>/assessments/": (
        lambda w: f"/api/followup/rounds/{round_a(w).pk}/assessments/",
        API,
    ),
    "api/followup/rounds/<int:pk>/assessments/<int:goal_id>/": (
        lambda w: f"/api/followup/rounds/{round_a(w).pk}/assessments/{w.goal_a.pk}/",
        expect(401, 405, 405, 405, 405),
    ),
}


def round_a(world):
    """An open follow-up round with unit A's goal assessed, made through the services on first use."""
    from goals.followup.models import FollowUpRound
    from goals.followup.services import assessment_save, round_open

    found = FollowUpRound.objects.first()
    if found is None:
        found = round_open(
            period=world.period,
            year=2026,
            kind="delar",
            opens=datetime.date(2026, 8, 1),
            due=datetime.date(2026, 9, 30),
            by=system_actor(),
        )
        assessment_save(round=found, goal=world.goal_a, status="partly", by=system_actor())
    return found


def assessment_a(world):
    return round_a(world).assessments.get(goal=world.goal_a)


def indicator_a(world):
    """Unit A's goal's indicator, made through the service on first use."""
    from goals.followup.models import Indicator
    from goals.followup.services import indicator_save

    found = Indicator.objects.filter(goal=world.goal_a).first()
    return found or indicator_save(
        indicator=Indicator(goal=world.goal_a, title="Andel trygga elever"), by=system_actor()
    )


# The admin's own pages (not per model). Anonymous visitors and viewers (not
# staff) are sent to the admin's sign-in page.
ADMIN_PAGES = {
    "admin/": (lambda w: "/admin/", expect(302, 302, 200, 200, 200)),
    "admin/login/": (lambda w: "/admin/login/", expect(200, 200, 302, 302, 302)),
    "admin/logout/": (lambda w: "/admin/logout/", expect(302, 302, 405, 405, 405)),
    "admin/password_change/": (lambda w: "/admin/password_change/", expect(302, 302, 200, 200, 200)),
    "admin/password_change/done/": (
        lambda w: "/admin/password_change/done/",
        expect(302, 302, 200, 200, 200),
    ),
    # Without the parameters of a field the autocomplete refuses everyone.
    "admin/autocomplete/": (lambda w: "/admin/autocomplete/", expect(302, 302, 403, 403, 403)),
    "admin/auth/user/<id>/password/": (
        lambda w: f"/admin/auth/user/{w.users['viewer'].pk}/password/",
        expect(302, 302, 403, 403, 200),
    ),
    "admin/jsi18n/": (lambda w: "/admin/jsi18n/", expect(302, 302, 200, 200, 200)),
    "admin/r/<path:content_type_id>/<path:object_id>/": (
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(w.goal_a).pk}/{w.goal_a.pk}/",
        expect(302, 302, 302, 302, 302),
    ),
    "admin/^(?P<app_label>auth|authtoken|axes|vision|goals|followup|dialogue)/$": (
        lambda w: "/admin/goals/",
        expect(302, 302, 200, 200, 200),
    ),
    "admin/(?P<url>.*)$": (lambda w: "/admin/no-such-page/", expect(302, 302, 404, 404, 404)),
    # treebeard's tree views: moving is a POST (a bare GET is a bad request),
    # children are fetched by the tree's script.
    "admin/goals/goal/move/": (lambda w: "/admin/goals/goal/move/", expect(302, 302, 400, 400, 400)),
    "admin/goals/goal/children/<str:parent_id>/": (
        lambda w: f"/admin/goals/goal/children/{w.goal_a.pk}/",
        expect(302, 302, 200, 200, 200),
    ),
    # treebeard's translation catalogue: only interface strings, so any signed-in user may load it.
    "admin/goals/goal/jsi18n/": (lambda w: "/admin/goals/goal/jsi18n/", PAGE),
    # Exporting is reading (editors included); importing rewrites the tree: administrators only.
    "admin/goals/goal/export/": (lambda w: "/admin/goals/goal/export/", expect(302, 302, 200, 200, 200)),
    "admin/goals/goal/import/": (lambda w: "/admin/goals/goal/import/", expect(302, 302, 403, 403, 200)),
    "admin/goals/goal/carry-over/": (
        lambda w: "/admin/goals/goal/carry-over/",
        expect(302, 302, 403, 403, 200),
    ),
    # The goal form's searches: staff who edit goals; what each offers follows the user's rights.
    "admin/goals/goal/parents/": (lambda w: "/admin/goals/goal/parents/", expect(302, 302, 200, 200, 200)),
    "admin/goals/goal/link-targets/": (
        lambda w: "/admin/goals/goal/link-targets/",
        expect(302, 302, 200, 200, 200),
    ),
}

# The standard pages of a model in the admin, in the order the statuses below are given.
ADMIN_SUFFIXES = (
    "",
    "add/",
    "<path:object_id>/history/",
    "<path:object_id>/delete/",
    "<path:object_id>/change/",
    "<path:object_id>/",
    "^([^/]+)/history/([^/]+)/$",
)


@dataclass
class ModelAccess:
    """Statuses per page of ADMIN_SUFFIXES, as 'changelist add history delete change object record'."""

    obj: object  # World -> the object the pages are about (of unit A where units matter)
    editor_a: str
    editor_b: str
    admin: str = "200 200 200 200 200 302 200"


NO_ACCESS = "403 403 403 403 403 302 403"
# Django's admin answers an object outside the user's queryset by sending them
# to the admin's start page ("does not exist"), not with a 403.
ADMIN_MODELS = {
    "auth/group": ModelAccess(lambda w: Group.objects.get(name="Unit editors"), NO_ACCESS, NO_ACCESS),
    "auth/user": ModelAccess(lambda w: w.users["viewer"], NO_ACCESS, NO_ACCESS),
    # API tokens are listed by their user.
    "authtoken/tokenproxy": ModelAccess(lambda w: w.users["admin"], NO_ACCESS, NO_ACCESS),
    "axes/accessattempt": ModelAccess(
        lambda w: AccessAttempt.objects.get(), NO_ACCESS, NO_ACCESS, admin="200 403 200 200 200 302 404"
    ),
    "axes/accesslog": ModelAccess(
        lambda w: AccessLog.objects.get(), NO_ACCESS, NO_ACCESS, admin="200 403 200 200 200 302 404"
    ),
    "axes/accessfailurelog": ModelAccess(
        lambda w: AccessFailureLog.objects.get(), NO_ACCESS, NO_ACCESS, admin="200 403 200 200 200 302 404"
    ),
    "vision/mandateperiod": ModelAccess(lambda w: w.period, NO_ACCESS, NO_ACCESS),
    "vision/unit": ModelAccess(lambda w: w.unit_a, NO_ACCESS, NO_ACCESS),
    "vision/unitmembership": ModelAccess(
        lambda w: UnitMembership.objects.get(user=w.users["editor_a"]), NO_ACCESS, NO_ACCESS
    ),
    "goals/goal": ModelAccess(
        lambda w: w.goal_a,
        editor_a="200 200 200 200 200 302 200",
        editor_b="200 200 403 302 302 302 403",
    ),
    "goals/goallink": ModelAccess(lambda w: w.link_a, NO_ACCESS, NO_ACCESS),
    # Rights follow the goal: unit A's editor writes unit A's goal's indicator; unit B's does not see it.
    "followup/indicator": ModelAccess(
        indicator_a,
        editor_a="200 200 200 200 200 302 200",
        editor_b="200 200 403 302 302 302 403",
    ),
    # Rounds are run by administrators (never deleted: they are records). Assessments are written
    # in the pages and the API; the admin changes them (unit A's editor, its own unit's) but never adds or deletes.
    "followup/followupround": ModelAccess(round_a, NO_ACCESS, NO_ACCESS, admin="200 200 200 403 200 302 200"),
    "followup/assessment": ModelAccess(
        assessment_a,
        editor_a="200 403 200 403 200 302 200",
        editor_b="200 403 403 403 302 302 403",
        admin="200 403 200 403 200 302 200",
    ),
    "dialogue/material": ModelAccess(lambda w: w.material, NO_ACCESS, NO_ACCESS),
    "dialogue/lecture": ModelAccess(lambda w: w.lecture, NO_ACCESS, NO_ACCESS),
    # Editors record workshops but do not delete them.
    "dialogue/workshop": ModelAccess(
        lambda w: w.workshop_a,
        editor_a="200 200 200 403 200 302 200",
        editor_b="200 200 403 403 302 302 403",
    ),
}


# Where a view does not yet answer as the matrix wants: (route, role) -> (the
# status it gives today, why). The test holds these to today's status and warns,
# so a fix fails the test until its entry is removed here.
KNOWN_GAPS: dict[tuple[str, str], tuple[int, str]] = {}


def admin_model_entries():
    """Entries for every model page: anonymous visitors and viewers go to the admin sign-in."""
    entries = {}
    for model, access in ADMIN_MODELS.items():
        statuses = {
            role: [int(status) for status in getattr(access, role).split()]
            for role in ("editor_a", "editor_b", "admin")
        }
        has_history = hasattr(apps.get_model(*model.split("/")), "history")
        for index, suffix in enumerate(ADMIN_SUFFIXES):
            if suffix.startswith("^") and not has_history:
                continue  # one historical record's page exists only for models with simple-history
            expected = expect(
                302, 302, statuses["editor_a"][index], statuses["editor_b"][index], statuses["admin"][index]
            )
            entries[f"admin/{model}/{suffix}"] = (_admin_url_builder(model, suffix, access.obj), expected)
    return entries


def _admin_url_builder(model, suffix, obj_of):
    def build(world):
        obj = obj_of(world)
        base = f"/admin/{model}/"
        if suffix.startswith("^"):
            record = obj.history.order_by("-history_id").first() if hasattr(obj, "history") else None
            return f"{base}{obj.pk}/history/{record.history_id if record else 0}/"
        return base + suffix.replace("<path:object_id>", str(obj.pk))

    return build


@pytest.fixture
def world(db, settings, client):
    settings.PUBLIC_SITE = True
    period = PeriodFactory(
        slug="2023-2026", start=datetime.date(2023, 1, 1), end=datetime.date(2026, 12, 31), is_current=True
    )
    unit_a = UnitFactory(slug="utbildningskontoret", name="Utbildningskontoret")
    unit_b = UnitFactory(slug="socialkontoret", name="Socialkontoret")
    council = UnitFactory(slug="kommunfullmaktige", name="Kommunfullmäktige", kind="council")
    area = GoalFactory(level="area", owner=council, period=period, title="Trygghet och säkerhet")
    council_goal = GoalFactory(
        parent=area, level="council", owner=council, period=period, title="En trygg kommun"
    )
    # Decided, so that the public site shows it.
    goal_a = GoalFactory(
        parent=council_goal,
        level="unit",
        owner=unit_a,
        period=period,
        title="Trygga skolvägar",
        decided_by="Utbildningsnämnden",
        decided_on=datetime.date(2023, 11, 30),
    )
    goal_b = GoalFactory(
        parent=council_goal, level="unit", owner=unit_b, period=period, title="Tryggt boende"
    )
    link_a = GoalLink.objects.create(source=goal_a, target=goal_b)

    users = {
        "viewer": UserFactory(username="lasare"),
        "editor_a": UserFactory(username="redaktor-a"),
        "editor_b": UserFactory(username="redaktor-b"),
        "admin": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }
    membership_grant(by=system_actor(), user=users["viewer"], unit=unit_a, role=UnitRole.VIEWER)
    membership_grant(by=system_actor(), user=users["editor_a"], unit=unit_a, role=UnitRole.EDITOR)
    membership_grant(by=system_actor(), user=users["editor_b"], unit=unit_b, role=UnitRole.EDITOR)
    Token.objects.create(user=users["admin"])

    # A sign-in and a failed one, so each of django-axes' lists has a row.
    settings.AXES_ENABLED = True
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    client.post("/accounts/login/", {"username": "lasare", "password": "demo"})
    client.logout()
    client.post("/accounts/login/", {"username": "lasare", "password": "fel"})
    settings.AXES_ENABLED = False

    return World(
        unit_a=unit_a,
        unit_b=unit_b,
        period=period,
        goal_a=goal_a,
        goal_b=goal_b,
        link_a=link_a,
        material=MaterialFactory(),
        lecture=LectureFactory(),
        workshop_a=WorkshopFactory(unit=unit_a),
        users=users,
    )


def _url_and_headers(built):
    return built if isinstance(built, tuple) else (built, {})


def all_entries():
    return {**PAGES, **ADMIN_PAGES, **admin_model_entries()}


def test_every_url_pattern_has_an_entry_in_the_matrix():
    """A URL pattern without an entry fails: decide who may open it and add it above."""
    routes = set(walk(get_resolver().url_patterns))
    entries = all_entries()
    missing = sorted(routes - set(entries))
    assert not missing, "URL patterns without an entry in the authorization matrix:\n" + "\n".join(missing)
    stale = sorted(set(entries) - routes)
    assert not stale, "Matrix entries for URL patterns that no longer exist:\n" + "\n".join(stale)


def test_each_role_gets_the_expected_status_everywhere(world):
    """Every pattern × every role answers as the matrix says; all differences are listed at once."""
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    routes = set(walk(get_resolver().url_patterns))
    differences, table = [], []
    for route, (build, expected) in sorted(all_entries().items()):
        if route not in routes:
            continue
        url, headers = _url_and_headers(build(world))
        actual = {role: clients[role].get(url, **headers).status_code for role in ROLES}
        for role in ROLES:
            if (route, role) in KNOWN_GAPS:
                expected = {**expected, role: KNOWN_GAPS[route, role][0]}
        table.append(f"{route:70} {url:60} " + " ".join(str(actual[role]) for role in ROLES))
        if actual != expected:
            differences.append(
                f"{route} ({url}): "
                + ", ".join(
                    f"{role} got {actual[role]} not {expected[role]}"
                    for role in ROLES
                    if actual[role] != expected[role]
                )
            )
    if os.environ.get("MATRIX_PRINT"):
        Path(os.environ["MATRIX_PRINT"]).write_text("\n".join(table) + "\n")
    for (route, role), (status, why) in KNOWN_GAPS.items():
        warnings.warn(f"Authorization gap: {route} gives {role} {status}: {why}", stacklevel=1)
    assert not differences, "\n".join(differences)


def test_public_site_is_not_found_for_anyone_while_off(world, settings):
    """With PUBLIC_SITE off every public URL answers 404 to every role."""
    settings.PUBLIC_SITE = False
    clients = _role_clients(world)
    differences = []
    for route, (build, _expected) in sorted(PAGES.items()):
        if not route.startswith("public/"):
            continue
        url, headers = _url_and_headers(build(world))
        actual = {role: clients[role].get(url, **headers).status_code for role in ROLES}
        if set(actual.values()) != {404}:
            differences.append(f"{route} ({url}): {actual}")
    assert not differences, "\n".join(differences)


# History and revert: every model with history, its history list and one record
# (the latest), each fetched (GET) and sent back as its own form (POST), the
# form as the administrator's page shows it. Statuses per role, in the order
# "list GET, list POST, record GET, record POST"; anonymous visitors and viewers
# are sent to the admin's sign-in. A refused request writes nothing.
HISTORY_NO_ACCESS = "403 403 403 403"
# A revert that writes (or, for a record equal to the object now, has nothing to write) sends the user on.
HISTORY_REVERT = "200 200 200 302"


@dataclass
class HistoryAccess:
    obj: object  # World -> the object whose history is opened
    editor_a: str = HISTORY_NO_ACCESS
    editor_b: str = HISTORY_NO_ACCESS
    admin: str = HISTORY_REVERT


HISTORY_MODELS = {
    "goals/goal": HistoryAccess(lambda w: w.goal_a, editor_a=HISTORY_REVERT),
    "goals/goallink": HistoryAccess(lambda w: w.link_a),
    "vision/mandateperiod": HistoryAccess(lambda w: w.period),
    "vision/unit": HistoryAccess(lambda w: w.unit_a),
    "vision/unitmembership": HistoryAccess(lambda w: UnitMembership.objects.get(user=w.users["editor_a"])),
    "followup/indicator": HistoryAccess(indicator_a, editor_a=HISTORY_REVERT),
    # Reverting is off for rounds and assessments: it would go around the round's state.
    "followup/followupround": HistoryAccess(round_a, admin="200 200 200 403"),
    "followup/assessment": HistoryAccess(assessment_a, editor_a="200 200 200 403", admin="200 200 200 403"),
    "dialogue/material": HistoryAccess(lambda w: w.material),
    "dialogue/lecture": HistoryAccess(lambda w: w.lecture),
    "dialogue/workshop": HistoryAccess(lambda w: w.workshop_a, editor_a=HISTORY_REVERT),
}

# A record made while the object belonged to unit B, the object being unit A's now:
# statuses of "record GET, record POST" per role. Unit B's editor may neither open
# nor revert it; unit A's editor may look, but not hand the object back to unit B.
HANDED_OVER = {
    "goals/goal": {"editor_a": "200 200", "editor_b": "403 403", "admin": "200 302"},
    "dialogue/workshop": {"editor_b": "403 403"},
}


def test_every_model_with_history_in_the_admin_has_history_rows():
    """A model registered in the admin with simple-history needs its row in HISTORY_MODELS."""
    from django.contrib import admin

    with_history = {
        f"{model._meta.app_label}/{model._meta.model_name}"
        for model in admin.site._registry
        if hasattr(model, "history")
    }
    assert with_history == set(HISTORY_MODELS)


@pytest.fixture
def handed_over(world):
    """Objects of unit B handed to unit A, each with its record from when it was unit B's."""
    goal = GoalFactory(
        parent=Goal.objects.get_parent(world.goal_a),
        level="unit",
        owner=world.unit_b,
        period=world.period,
        title="Trygga gångvägar",
    )
    goal_then = goal.history.get()
    goal = services.goal_update(by=system_actor(), goal=goal, owner=world.unit_a, title="Trygga skolgårdar")
    workshop = WorkshopFactory(unit=world.unit_b)
    workshop_then = workshop.history.latest("history_id")
    workshop.unit = world.unit_a
    workshop.save()
    return {"goals/goal": (goal, goal_then), "dialogue/workshop": (workshop, workshop_then)}


def history_rows() -> dict:
    """How many history rows each model has: any write through the admin adds one."""
    return {name: apps.get_model(*name.split("/")).history.count() for name in HISTORY_MODELS}


def sent_back(response) -> dict:
    """The form on a history page, as a browser would send it unchanged."""
    context = response.context
    form = context["adminform"].form if "adminform" in context else context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, django_forms.FileField) or value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    data["_save"] = "Revert"
    return data


def _history_requests(clients, url, form_url, role):
    """Statuses of GET and POST on ``url``; the POST sends the form the administrator sees on ``form_url``."""
    data = sent_back(clients["admin"].get(form_url)) if form_url else {}
    return clients[role].get(url).status_code, clients[role].post(url, data).status_code


def _role_clients(world):
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    return clients


# Refused roles first, so that "nothing written" is checked before anyone may write.
ROLE_ORDER = ("anonymous", "viewer", "editor_b", "editor_a", "admin")


def test_history_and_revert_pages_answer_each_role(world):
    """Every history list and record, GET and POST, as HISTORY_MODELS says; refusals write nothing."""
    clients = _role_clients(world)
    differences = []
    for model, access in sorted(HISTORY_MODELS.items()):
        obj = access.obj(world)
        record = obj.history.order_by("-history_id").first()
        list_url = f"/admin/{model}/{obj.pk}/history/"
        record_url = f"/admin/{model}/{obj.pk}/history/{record.history_id}/"
        for role in ROLE_ORDER:
            expected = (
                [302] * 4
                if role in ("anonymous", "viewer")
                else [int(status) for status in getattr(access, role).split()]
            )
            before = history_rows()
            actual = [
                *_history_requests(clients, list_url, None, role),
                *_history_requests(clients, record_url, record_url, role),
            ]
            if actual != expected:
                differences.append(f"{model} as {role}: got {actual}, expected {expected}")
            if expected[3] != 302 and history_rows() != before:
                differences.append(f"{model} as {role}: a refused request wrote history")
    assert not differences, "\n".join(differences)


def test_records_from_before_a_hand_over_are_closed_to_the_former_unit(world, handed_over):
    """A record from when the object was unit B's is judged by the object now (unit A's)."""
    clients = _role_clients(world)
    differences = []
    for model, by_role in sorted(HANDED_OVER.items()):
        obj, record = handed_over[model]
        url = f"/admin/{model}/{obj.pk}/history/{record.history_id}/"
        for role in ROLE_ORDER:
            if role not in by_role:
                continue
            expected = [int(status) for status in by_role[role].split()]
            before = history_rows()
            actual = list(_history_requests(clients, url, url, role))
            if actual != expected:
                differences.append(f"{model} as {role}: got {actual}, expected {expected}")
            if expected[1] != 302 and history_rows() != before:
                differences.append(f"{model} as {role}: a refused revert wrote history")
        obj.refresh_from_db()
        owner = obj.owner_id if model == "goals/goal" else obj.unit_id
        if "admin" not in by_role and owner != world.unit_a.pk:
            differences.append(f"{model}: handed back to unit B by a refused revert")
    assert not differences, "\n".join(differences)
