"""goals.pages.linking: the re-linking queue, the period comparison and the coverage page."""

import csv
import io

import pytest
from django.urls import reverse

from goals import services
from goals.models import Goal
from goals.tree_check import find_problems
from tests.factories import GoalFactory, UnitFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


QUEUE = reverse("goals:goals-relinking")


@pytest.fixture
def carried(small_tree, period, next_period, office, committee, council, other_office):
    """The office carried over before the committee: its goal under the committee goal needs re-linking."""
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period, title="Nämndmål"
    )
    office_goal = GoalFactory(
        parent=committee_goal, level="unit", owner=office, period=period, title="Rekrytera lärare"
    )
    foreign = GoalFactory(
        parent=committee_goal, level="unit", owner=other_office, period=period, title="Annat kontor"
    )
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=council)
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=office)
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=other_office)
    new = Goal.objects.get(predecessor=office_goal)
    assert new.needs_relinking
    return {
        **small_tree,
        "committee": committee_goal,
        "office_goal": office_goal,
        "new": new,
        "foreign_new": Goal.objects.get(predecessor=foreign),
        "council_new": Goal.objects.get(predecessor=small_tree["council"]),
    }


def relink_url(goal):
    return reverse("goals:goal-relink", args=[goal.pk])


# The re-linking queue


def test_queue_lists_the_editors_goals_needing_relinking_in_the_new_period(
    editor_client, carried, next_period
):
    response = editor_client.get(QUEUE)
    assert response.context["period"] == next_period
    listed = [item["goal"] for items in response.context["units"].values() for item in items]
    assert listed == [carried["new"]]  # not the other office's flagged goal
    item = response.context["units"][carried["new"].owner][0]
    assert item["old_parent"] == carried["committee"]
    assert item["parent"] == carried["council_new"]
    assert item["suggestion"] is None  # the committee goal has no successor yet
    assert "Rekrytera lärare" in response.content.decode()
    assert "Annat kontor" not in response.content.decode()


def test_queue_suggests_the_former_parents_successor_once_it_exists(
    editor_client, carried, period, next_period, committee
):
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=committee)
    committee_new = Goal.objects.get(predecessor=carried["committee"])
    response = editor_client.get(QUEUE)
    item = response.context["units"][carried["new"].owner][0]
    assert item["suggestion"] == committee_new

    response = editor_client.post(relink_url(carried["new"]), {"action": "move", "parent": committee_new.pk})
    assert response.status_code == 302
    moved = Goal.objects.get(pk=carried["new"].pk)
    assert Goal.objects.get_parent(moved) == committee_new and not moved.needs_relinking
    assert find_problems() == []
    assert editor_client.get(QUEUE).context["total"] == 0


def test_keep_where_it_is_clears_the_flag_in_one_click(editor_client, carried):
    response = editor_client.post(relink_url(carried["new"]), {"action": "keep"})
    assert response.status_code == 302
    kept = Goal.objects.get(pk=carried["new"].pk)
    assert not kept.needs_relinking and Goal.objects.get_parent(kept) == carried["council_new"]


def test_relink_page_offers_valid_parents_of_the_new_period_only(editor_client, carried):
    response = editor_client.get(relink_url(carried["new"]))
    assert response.status_code == 200
    candidates = response.context["candidates"]
    assert carried["council_new"] in candidates
    assert all(c.is_valid_in(carried["new"].period) and c.is_active for c in candidates)
    assert carried["foreign_new"] not in candidates
    assert carried["council"] not in candidates  # the old period


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("foreign_new", "belongs to Vård- och omsorgskontoret"),
        ("council", "is not valid in every period"),
    ],
)
def test_crafted_relink_target_is_refused(editor_client, carried, target, message):
    before = list(Goal.objects.order_by("pk").values_list("path", "needs_relinking"))
    response = editor_client.post(
        relink_url(carried["new"]), {"action": "move", "parent": carried[target].pk}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Goal.objects.order_by("pk").values_list("path", "needs_relinking")) == before


def test_relink_without_a_parent_is_refused(editor_client, carried):
    response = editor_client.post(relink_url(carried["new"]), {"action": "move", "parent": "x"})
    assert response.status_code == 400
    assert Goal.objects.get(pk=carried["new"].pk).needs_relinking


def test_another_units_goal_cannot_be_relinked(editor_client, carried):
    response = editor_client.post(relink_url(carried["foreign_new"]), {"action": "keep"})
    assert response.status_code == 404
    assert Goal.objects.get(pk=carried["foreign_new"].pk).needs_relinking


def test_queue_is_for_editors_only(client, carried, office):
    viewer = UserFactory(username="lasare")
    UnitMembership.objects.create(user=viewer, unit=office, role=UnitRole.VIEWER)
    client.force_login(viewer)
    assert client.get(QUEUE).status_code == 403
    assert client.post(relink_url(carried["new"]), {"action": "keep"}).status_code == 403


def test_superuser_sees_every_units_queue(admin_client, carried):
    response = admin_client.get(QUEUE)
    listed = {item["goal"] for items in response.context["units"].values() for item in items}
    assert listed == {carried["new"], carried["foreign_new"]}


def test_queue_queries_do_not_grow_with_the_queue(
    editor_client, carried, period, next_period, office, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        editor_client.get(QUEUE)
    # Twenty more goals under the committee goal, carried over and flagged.
    extra = [
        GoalFactory(
            parent=carried["committee"], level="unit", owner=office, period=period, title=f"Extra {n}"
        )
        for n in range(20)
    ]
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=office)
    with django_assert_max_num_queries(10):
        response = editor_client.get(QUEUE)
    assert response.context["total"] == 1 + len(extra)


# Comparing periods


@pytest.fixture
def compared(small_tree, period, next_period, office, council):
    """Carried: area, council goal; revised: one unit goal; retired: the other; new: one."""
    services.goal_retire(by=system_actor(), goal=small_tree["second"])
    services.period_carry_over(by=system_actor(), source=period, target=next_period)
    first_new = Goal.objects.get(predecessor=small_tree["first"])
    services.goal_update(by=system_actor(), goal=first_new, title="Solpaneler på alla skolor")
    GoalFactory(
        parent=Goal.objects.get(predecessor=small_tree["council"]),
        level="unit",
        owner=office,
        period=next_period,
        title="Laddstolpar",
    )
    return small_tree


def compare(client, earlier, later, **extra):
    return client.get(reverse("goals:periods-compare"), {"from": earlier.slug, "to": later.slug, **extra})


def test_compare_counts_per_unit_and_overall(admin_client, compared, period, next_period, office, council):
    response = compare(admin_client, period, next_period)
    assert response.status_code == 200
    by_unit = {c.unit: c.counts for c in response.context["comparisons"]}
    assert by_unit[office] == {"unchanged": 0, "revised": 1, "new": 1, "retired": 1}
    assert by_unit[council] == {"unchanged": 2, "revised": 0, "new": 0, "retired": 0}
    assert response.context["totals"] == {"unchanged": 2, "revised": 1, "new": 1, "retired": 1}


def test_compare_shows_the_wording_change_of_a_revised_goal(
    admin_client, compared, period, next_period, office
):
    response = compare(admin_client, period, next_period, unit=office.slug)
    html = response.content.decode()
    assert "Solpaneler på <ins>alla</ins> skolor" in html
    assert "Laddstolpar" in html and "Cykelbara skolvägar" in html


@pytest.mark.parametrize(
    "params",
    [{"from": "2027-2030", "to": "2023-2026"}, {"from": "1999-2002", "to": "2027-2030"}],
)
def test_compare_refuses_bad_periods(admin_client, compared, params):
    response = admin_client.get(reverse("goals:periods-compare"), params)
    assert response.status_code == 400
    assert response.context["error"]


def test_compare_queries_are_fixed(
    admin_client, compared, period, next_period, office, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        compare(admin_client, period, next_period, unit=office.slug)
    council_new = Goal.objects.get(predecessor=compared["council"])
    for n in range(25):
        GoalFactory(parent=council_new, level="unit", owner=office, period=next_period, title=f"Ny {n}")
    with django_assert_max_num_queries(6):
        response = compare(admin_client, period, next_period, unit=office.slug)
    assert response.context["totals"]["new"] == 26


# Coverage


@pytest.fixture
def coverage_tree(carried, next_period, committee):
    UnitFactory(slug="tom-enhet", name="Tom enhet", kind="company")
    return carried


def coverage(client, period, **params):
    return client.get(reverse("goals:period-coverage", args=[period.slug]), params)


def test_coverage_counts_linked_goals_per_unit(
    admin_client, coverage_tree, next_period, office, other_office, council
):
    response = coverage(admin_client, next_period)
    rows = {row.unit.slug: row for row in response.context["rows"]}
    # The office: two unit goals linked, one waiting to be re-linked.
    assert (rows[office.slug].goals, rows[office.slug].linked, rows[office.slug].needs_relinking) == (3, 2, 1)
    assert (rows[other_office.slug].goals, rows[other_office.slug].linked) == (1, 0)
    assert (rows[council.slug].goals, rows[council.slug].linked) == (2, 2)
    assert rows["tom-enhet"].goals == 0
    without = {row.unit.slug for row in response.context["without_linked"]}
    assert without == {other_office.slug, "tom-enhet", "utbildningsnamnden"}
    assert {row.unit.slug for row in response.context["with_relinking"]} == {office.slug, other_office.slug}


def test_coverage_sorts_by_any_column(admin_client, coverage_tree, next_period):
    rows = coverage(admin_client, next_period, sort="share", dir="desc").context["rows"]
    assert [row.share for row in rows] == sorted((row.share for row in rows), reverse=True)
    rows = coverage(admin_client, next_period, sort="goals").context["rows"]
    assert [row.goals for row in rows] == sorted(row.goals for row in rows)
    assert coverage(admin_client, next_period, sort="nonsense").status_code == 200


def test_coverage_exports_csv(admin_client, coverage_tree, next_period, office):
    response = coverage(admin_client, next_period, format="csv", sort="unit")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 5  # header and one row per unit
    office_row = next(row for row in rows if row[1] == office.slug)
    assert office_row[0] == "Utbildningskontoret" and office_row[3:5] == ["3", "2"]


def test_coverage_queries_are_fixed(
    admin_client, coverage_tree, next_period, office, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        coverage(admin_client, next_period)
    for n in range(30):
        UnitFactory(slug=f"extra-{n}", name=f"Extra {n}")
        GoalFactory(parent=coverage_tree["council_new"], level="unit", owner=office, period=next_period)
    with django_assert_max_num_queries(6):
        response = coverage(admin_client, next_period)
    assert len(response.context["rows"]) == 35


def test_coverage_without_a_period_goes_to_the_current_one(admin_client, coverage_tree, period):
    response = admin_client.get(reverse("goals:coverage"))
    assert response.status_code == 302 and response.url == reverse(
        "goals:period-coverage", args=[period.slug]
    )


def test_coverage_of_an_unknown_period_is_404(admin_client, coverage_tree):
    assert admin_client.get(reverse("goals:period-coverage", args=["1999-2002"])).status_code == 404


def test_a_successor_retired_in_the_later_period_counts_as_retired(
    admin_client, compared, period, next_period, office
):
    services.goal_retire(by=system_actor(), goal=Goal.objects.get(predecessor=compared["first"]))
    by_unit = {c.unit: c.counts for c in compare(admin_client, period, next_period).context["comparisons"]}
    assert by_unit[office] == {"unchanged": 0, "revised": 0, "new": 1, "retired": 2}


def test_relink_page_queries_do_not_grow_with_the_candidates(
    editor_client, carried, next_period, committee, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        editor_client.get(relink_url(carried["new"]))
    for n in range(20):
        # Committee goals: parents a unit goal may have, and steering goals every editor links to.
        GoalFactory(
            parent=carried["council_new"],
            level="committee",
            owner=committee,
            period=next_period,
            title=f"K {n}",
        )
    with django_assert_max_num_queries(10):
        response = editor_client.get(relink_url(carried["new"]))
    assert len(response.context["candidates"]) >= 20
