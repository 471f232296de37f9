import os
from datetime import date

import pytest
from django.db import connection
from django.utils import translation

from tests.factories import GoalFactory, PeriodFactory, UnitFactory, UserFactory, VisionFactory
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant


def skip_or_fail(reason: str, required_by: str) -> None:
    """Skip with a printed reason; fail instead where CI said the thing is required."""
    if os.environ.get(required_by):
        pytest.fail(f"{reason} ({required_by} is set, so this may not skip)")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _isolated_media_and_fast_hashing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Uploads would start render_previews in a process of its own, on the development database.
    settings.DIALOGUE_PREVIEWS = "manual"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _axes_off(settings):
    # django-axes needs the request in authenticate(), which client.login()
    # does not pass; the lock-out tests switch it back on.
    settings.AXES_ENABLED = False


@pytest.fixture(autouse=True)
def _empty_cache():
    # The goal tree and red threads are cached (goals/cache.py) under versions kept in
    # the cache too: a test must not meet another test's entries for the same period id.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def in_english(settings):
    """Messages are checked in English, the msgid language, whatever Swedish translations are compiled.

    Use it with ``pytestmark = pytest.mark.usefixtures("in_english")``; users see Swedish.
    """
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def postgres(db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: run with DATABASE_URL=postgres://...", "REQUIRE_POSTGRES")
    return connection


@pytest.fixture
def period(db):
    return PeriodFactory(
        slug="2023-2026", name="2023–2026", start=date(2023, 1, 1), end=date(2026, 12, 31), is_current=True
    )


@pytest.fixture
def next_period(db):
    return PeriodFactory(slug="2027-2030", name="2027–2030", start=date(2027, 1, 1), end=date(2030, 12, 31))


@pytest.fixture
def council(db):
    return UnitFactory(slug="kommunfullmaktige", name="Kommunfullmäktige", kind="council")


@pytest.fixture
def office(db, council):
    return UnitFactory(slug="utbildningskontoret", name="Utbildningskontoret", kind="office")


@pytest.fixture
def committee(db):
    return UnitFactory(slug="utbildningsnamnden", name="Utbildningsnämnden", kind="committee")


@pytest.fixture
def other_office(db):
    return UnitFactory(slug="vard-och-omsorgskontoret", name="Vård- och omsorgskontoret", kind="office")


@pytest.fixture
def vision(db):
    return VisionFactory(title="NORRKÖPING tar plats")


@pytest.fixture
def small_tree(vision, period, council, office):
    """vision > area > council goal > two unit goals."""
    area = GoalFactory(parent=vision, level="area", owner=council, period=period, title="Klimat och miljö")
    council_goal = GoalFactory(
        parent=area, level="council", owner=council, period=period, title="En klimatsmart kommun"
    )
    first = GoalFactory(
        parent=council_goal, level="unit", owner=office, period=period, title="Solpaneler på skolor"
    )
    second = GoalFactory(
        parent=council_goal, level="unit", owner=office, period=period, title="Cykelbara skolvägar"
    )
    return {"vision": vision, "area": area, "council": council_goal, "first": first, "second": second}


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def reader(client, db):
    """A signed-in user with no role, reading in English (Swedish, the default, has its own tests)."""
    client.force_login(UserFactory(username="lasare"))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def editor(db, office):
    """A staff user with the editor role in the office (Utbildningskontoret)."""
    user = UserFactory(username="redaktor")
    membership_grant(by=system_actor(), user=user, unit=office, role=UnitRole.EDITOR)
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def browser(live_server):
    """Debian's headless Chromium driven by Playwright, beside the live server."""
    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        skip_or_fail(
            f"{CHROMIUM} is missing: install Debian's chromium to run browser tests", "REQUIRE_BROWSER"
        )
    from playwright.sync_api import sync_playwright

    # The live server's database set-up runs beside Playwright's event loop.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
