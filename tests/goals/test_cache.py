"""The cached tree and red thread: versions per period, bumped by every goal write service."""

from datetime import date

import pytest
from django.core.cache import cache

from goals import cache as goal_cache
from goals import services
from goals.models import Goal
from tests.factories import GoalFactory, PeriodFactory
from vision.actors import system_actor


@pytest.fixture
def third_period(db):
    return PeriodFactory(slug="2031-2034", name="2031–2034", start=date(2031, 1, 1), end=date(2034, 12, 31))


def versions(*periods) -> list[str]:
    return [goal_cache.period_version(p.pk if p is not None else None) for p in periods]


def test_a_version_holds_until_bumped_and_a_bump_touches_only_its_period(period, next_period):
    first = versions(period, next_period)
    assert versions(period, next_period) == first
    goal_cache.bump_period_versions([period.pk])
    after = versions(period, next_period)
    assert after[0] != first[0]
    assert after[1] == first[1]


def test_bumping_for_every_period_changes_them_all(period, next_period):
    first = versions(period, next_period, None)
    goal_cache.bump_period_versions([None])
    assert all(a != b for a, b in zip(first, versions(period, next_period, None), strict=True))


def test_a_version_lost_from_the_cache_never_comes_back_as_an_old_one(period):
    seen = {goal_cache.period_version(period.pk)}
    for _ in range(5):
        cache.clear()  # as when the cache evicts the version key
        version = goal_cache.period_version(period.pk)
        assert version not in seen
        seen.add(version)


def test_spans_cover_every_period_a_goal_is_valid_in(period, next_period, third_period):
    assert goal_cache.periods_of_spans({(period.pk, None)}) == {period.pk}
    assert goal_cache.periods_of_spans({(period.pk, third_period.pk)}) == {
        period.pk,
        next_period.pk,
        third_period.pk,
    }
    assert goal_cache.periods_of_spans({(None, None)}) == {None}


def test_local_memory_entries_live_briefly_and_a_setting_overrides(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert goal_cache.cache_seconds() == goal_cache.LOCAL_CACHE_SECONDS
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    assert goal_cache.cache_seconds() == goal_cache.SHARED_CACHE_SECONDS
    settings.GOALS_CACHE_SECONDS = 5
    assert goal_cache.cache_seconds() == 5


def test_the_bump_is_repeated_after_commit(period, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        before = goal_cache.period_version(period.pk)
        goal_cache.bump_for({(period.pk, None)})
        during = goal_cache.period_version(period.pk)
    assert during != before
    assert len(callbacks) == 1
    callbacks[0]()
    assert goal_cache.period_version(period.pk) != during


# --- every goal write service bumps the periods it touches, and only those ---


@pytest.fixture
def two_periods(small_tree, next_period, council):
    """small_tree in `period`, plus a second branch under the vision valid in `next_period`."""
    area = GoalFactory(
        parent=small_tree["vision"], level="area", owner=council, period=next_period, title="Område senare"
    )
    return {**small_tree, "later_area": area}


def changed(before: list[str], after: list[str]) -> list[bool]:
    return [a != b for a, b in zip(before, after, strict=True)]


def test_create_bumps_its_period_only(two_periods, period, next_period, council):
    before = versions(period, next_period)
    GoalFactory(parent=two_periods["area"], level="council", owner=council, period=period)
    assert changed(before, versions(period, next_period)) == [True, False]


def test_update_bumps_the_period_it_left_and_the_one_it_joined(two_periods, period, next_period):
    goal = two_periods["first"]
    before = versions(period, next_period)
    services.goal_update(by=system_actor(), goal=goal, title="Ny titel")
    assert changed(before, versions(period, next_period)) == [True, False]


def test_move_retire_and_delete_bump_the_branch_periods(two_periods, period, next_period):
    tree = two_periods
    before = versions(period, next_period)
    services.goal_move(by=system_actor(), goal=tree["second"], target=tree["first"], position="left")
    assert changed(before, versions(period, next_period)) == [True, False]

    before = versions(period, next_period)
    services.goal_retire(by=system_actor(), goal=tree["council"])
    assert changed(before, versions(period, next_period)) == [True, False]

    before = versions(period, next_period)
    services.goal_delete(by=system_actor(), goal=Goal.objects.get(pk=tree["later_area"].pk))
    assert changed(before, versions(period, next_period)) == [False, True]


def test_changing_the_vision_bumps_every_period(two_periods, period, next_period):
    before = versions(period, next_period)
    services.goal_update(
        by=system_actor(), goal=two_periods["vision"], title="NORRKÖPING tar plats (reviderad)"
    )
    assert changed(before, versions(period, next_period)) == [True, True]


def test_links_and_carry_over_bump_their_periods(two_periods, period, next_period, office):
    tree = two_periods
    before = versions(period, next_period)
    services.goal_link_add(by=system_actor(), source=tree["first"], target=tree["second"])
    assert changed(before, versions(period, next_period)) == [True, False]

    before = versions(period, next_period)
    services.goal_link_remove(by=system_actor(), source=tree["first"], target=tree["second"])
    assert changed(before, versions(period, next_period)) == [True, False]

    before = versions(period, next_period)
    result = services.period_carry_over(by=system_actor(), source=period, target=next_period)
    assert result.created
    assert changed(before, versions(period, next_period)) == [True, True]


def test_a_dry_run_changes_nothing_and_bumps_nothing(two_periods, period, next_period):
    before = versions(period, next_period)
    services.period_carry_over(by=system_actor(), source=period, target=next_period, dry_run=True)
    assert changed(before, versions(period, next_period)) == [False, False]


def test_an_import_bumps_the_periods_it_changed(two_periods, period, next_period):
    from goals.exchange import formats as exchange
    from goals.services import goals_import

    data = exchange.write(exchange.export_rows(period), "json")
    renamed = data.replace("Solpaneler på skolor".encode(), "Solceller på skolor".encode())
    before = versions(period, next_period)
    goals_import(by=system_actor(), rows=exchange.read(renamed, "json"))
    assert Goal.objects.filter(title="Solceller på skolor").exists()
    assert changed(before, versions(period, next_period)) == [True, False]


def test_a_goal_page_version_follows_its_span_and_its_lineage(two_periods, period, next_period, third_period):
    goal = two_periods["first"]
    before = goal_cache.goal_version(goal)
    goal_cache.bump_period_versions([next_period.pk])
    assert goal_cache.goal_version(goal) == before  # not valid there, no lineage there

    services.period_carry_over(by=system_actor(), source=period, target=next_period)
    goal = Goal.objects.select_related("successor").get(pk=goal.pk)
    before = goal_cache.goal_version(goal)
    goal_cache.bump_period_versions([next_period.pk])  # where its successor lives
    assert goal_cache.goal_version(goal) != before
    before = goal_cache.goal_version(goal)
    goal_cache.bump_period_versions([third_period.pk])
    assert goal_cache.goal_version(goal) == before


def test_renaming_a_unit_or_a_period_bumps_every_period(two_periods, period, next_period, council):
    before = versions(period, next_period)
    council.name = "Kommunfullmäktige i Norrköping"
    council.save()
    assert changed(before, versions(period, next_period)) == [True, True]
    before = versions(period, next_period)
    next_period.name = "2027–2030 (ny)"
    next_period.save()
    assert changed(before, versions(period, next_period)) == [True, True]


def test_cached_builds_once_per_version(period):
    calls = []

    def build():
        calls.append(1)
        return {"n": len(calls)}

    first = goal_cache.cached(("x", goal_cache.period_version(period.pk)), build)
    again = goal_cache.cached(("x", goal_cache.period_version(period.pk)), build)
    goal_cache.bump_period_versions([period.pk])
    fresh = goal_cache.cached(("x", goal_cache.period_version(period.pk)), build)
    assert (first, again, fresh) == ({"n": 1}, {"n": 1}, {"n": 2})


# --- the pages: a warm cache saves the work, and a change shows at once ---


def render(client, url: str) -> tuple[str, int]:
    """The page and its queries; the periods and units (goals/catalog.py, read once per change
    of theirs) are read before counting, so that a cold page and a rebuilt one compare."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from goals import catalog

    catalog.catalog()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def tree_of(html: str) -> str:
    return html[html.index('class="tree-root"') : html.index("</form>", html.index('class="tree-root"'))]


def test_the_tree_is_cached_until_a_goal_in_its_period_changes(reader, two_periods, next_period, council):
    url = "/goals/?period=2023-2026"
    cold_html, cold = render(reader, url)
    warm_html, warm = render(reader, url)
    assert warm < cold
    assert tree_of(warm_html) == tree_of(cold_html)

    GoalFactory(parent=two_periods["later_area"], level="council", owner=council, period=next_period)
    assert render(reader, url)[1] == warm  # another period's change leaves this tree cached

    services.goal_update(by=system_actor(), goal=two_periods["council"], title="En klimatneutral kommun")
    html, queries = render(reader, url)
    assert "En klimatneutral kommun" in html
    assert "En klimatsmart kommun" not in html
    assert queries == cold


def test_the_tree_is_cached_per_language(reader, two_periods):
    english, _ = render(reader, "/goals/?period=2023-2026")
    reader.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
    swedish, _ = render(reader, "/goals/?period=2023-2026")
    assert "Sub-goals:" in english
    assert "Sub-goals:" not in swedish


def test_a_goal_page_shows_a_renamed_ancestor_in_its_red_thread(reader, two_periods):
    url = f"/goals/{two_periods['first'].pk}/"
    _, cold = render(reader, url)
    html, warm = render(reader, url)
    assert warm < cold
    assert "Klimat och miljö" in html

    services.goal_update(by=system_actor(), goal=two_periods["area"], title="Klimat, miljö och natur")
    html, queries = render(reader, url)
    assert "Klimat, miljö och natur" in html
    assert queries == cold


def test_a_goal_page_shows_a_new_sub_goal_a_move_and_a_link(reader, two_periods, period, council, office):
    tree = two_periods
    url = f"/goals/{tree['council'].pk}/"
    render(reader, url)
    GoalFactory(parent=tree["council"], level="unit", owner=office, period=period, title="Laddplatser")
    assert "Laddplatser" in render(reader, url)[0]

    elsewhere = GoalFactory(parent=tree["area"], level="council", owner=council, period=period)
    services.goal_move(by=system_actor(), goal=tree["first"], target=elsewhere, position="last-child")
    assert "Solpaneler på skolor" not in render(reader, url)[0]

    services.goal_link_add(by=system_actor(), source=tree["first"], target=tree["council"])
    assert "Solpaneler på skolor" in render(reader, url)[0]


def test_the_api_tree_is_cached_until_a_goal_in_its_period_changes(reader, two_periods):
    url = "/api/tree/?period=2023-2026"
    cold_json, cold = render(reader, url)
    warm_json, warm = render(reader, url)
    assert warm < cold
    assert warm_json == cold_json
    services.goal_update(by=system_actor(), goal=two_periods["first"], title="Solceller på skolor")
    fresh_json, queries = render(reader, url)
    assert "Solceller på skolor" in fresh_json
    assert queries == cold


def test_a_unit_page_is_cached_until_a_goal_in_its_period_changes(reader, two_periods, office):
    url = f"/units/{office.slug}/?period=2023-2026"
    _, cold = render(reader, url)
    html, warm = render(reader, url)
    assert warm < cold
    assert "Solpaneler på skolor" in html
    services.goal_update(by=system_actor(), goal=two_periods["council"], title="En klimatneutral kommun")
    html, queries = render(reader, url)
    assert "En klimatneutral kommun" in html  # in each listed goal's red thread
    assert queries == cold


def test_a_goal_page_shows_a_new_workshop_at_once(reader, two_periods):
    from tests.factories import WorkshopFactory

    goal = two_periods["first"]
    url = f"/goals/{goal.pk}/"
    render(reader, url)
    WorkshopFactory(unit=goal.owner, goals=[goal], important="Unikt fynd från arbetsgruppen")
    assert "Unikt fynd från arbetsgruppen" in render(reader, url)[0]


def test_the_api_goal_list_of_a_period_is_cached_until_a_goal_in_it_changes(reader, two_periods):
    url = "/api/goals/?period=2023-2026&level=unit"
    cold_json, cold = render(reader, url)
    warm_json, warm = render(reader, url)
    assert warm < cold
    assert warm_json == cold_json
    services.goal_update(by=system_actor(), goal=two_periods["second"], title="Trygga skolvägar")
    fresh_json, _ = render(reader, url)
    assert "Trygga skolvägar" in fresh_json
    assert reader.get("/api/goals/?period=2023-2026&level=nonsense").status_code == 400


def test_the_start_page_is_cached_until_a_goal_of_the_current_period_changes(reader, two_periods):
    _, cold = render(reader, "/")
    html, warm = render(reader, "/")
    assert warm < cold
    assert "En klimatsmart kommun" in html
    services.goal_update(by=system_actor(), goal=two_periods["council"], title="En klimatneutral kommun")
    html, queries = render(reader, "/")
    assert "En klimatneutral kommun" in html
    assert queries == cold
