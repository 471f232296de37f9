"""The goal admin names periods everywhere a goal is chosen or listed, searches parents in bounded pages,
shows one period's tree at a time, and tells an editor honestly what they may not do."""

import pytest
from django.urls import reverse

from goals import services
from goals.admin.choosing import PAGE_SIZE
from goals.models import Goal, GoalLevel
from tests.factories import GoalFactory
from tests.goals.admin.support import parents_offered
from tests.goals.stored import stored_state
from vision.actors import system_actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]

CHANGELIST = reverse("admin:goals_goal_changelist")
ADD = reverse("admin:goals_goal_add")
PARENTS = reverse("admin:goals_goal_parents")


@pytest.fixture
def two_periods(tree, next_period, council, office):
    """The same goal area in two periods, as a carry-over leaves it."""
    later_area = GoalFactory(
        parent=tree["vision"], level="area", owner=council, period=next_period, title="Klimat och miljö"
    )
    later_council = GoalFactory(
        parent=later_area, level="council", owner=council, period=next_period, title="En klimatsmart kommun"
    )
    return {**tree, "later_area": later_area, "later_council": later_council}


def add_data(**fields) -> dict:
    return {
        "title": "Nytt mål",
        "description": "",
        "level": GoalLevel.UNIT,
        "status": "active",
        "owner": "",
        "period": "",
        "until_period": "",
        "decided_by": "",
        "decided_on": "",
        "case_number": "",
        "treebeard_position": "last-child",
        "treebeard_ref_node": "",
        "outgoing_links-TOTAL_FORMS": "0",
        "outgoing_links-INITIAL_FORMS": "0",
        "outgoing_links-MIN_NUM_FORMS": "0",
        "outgoing_links-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_parent_labels_name_level_period_and_owner(admin_client, two_periods):
    labels = parents_offered(admin_client, term="klimat")
    assert labels[str(two_periods["area"].pk)] == "Klimat och miljö (goal area, 2023–2026, Kommunfullmäktige)"
    assert (
        labels[str(two_periods["later_area"].pk)]
        == "Klimat och miljö (goal area, 2027–2030, Kommunfullmäktige)"
    )


def test_parent_search_fits_the_level_and_period_and_finds_case_numbers(admin_client, two_periods, period):
    council_goal = two_periods["council"]
    services.goal_update(by=system_actor(), goal=council_goal, case_number="KS 2024/0815")
    offered = parents_offered(admin_client, level="unit", period=period.pk)
    assert str(council_goal.pk) in offered
    assert str(two_periods["later_council"].pk) not in offered  # another period
    assert str(two_periods["area"].pk) not in offered  # a unit goal does not sit under an area
    assert set(parents_offered(admin_client, term="2024/0815")) == {str(council_goal.pk)}


def test_parent_search_answers_in_bounded_pages(admin_client, tree, office, period):
    for n in range(PAGE_SIZE + 5):
        GoalFactory(parent=tree["council"], level="unit", owner=office, period=period, title=f"Mål {n}")
    first = admin_client.get(PARENTS, {"level": "activity"}).json()
    assert len(first["results"]) == PAGE_SIZE and first["pagination"]["more"] is True
    assert len(parents_offered(admin_client, level="activity")) > PAGE_SIZE


def test_the_form_renders_only_the_chosen_parent_not_every_goal(admin_client, tree):
    response = admin_client.get(reverse("admin:goals_goal_change", args=[tree["first"].pk]))
    field = response.context["adminform"].form["treebeard_ref_node"]
    html = str(field)
    assert html.count("<option") == 2  # the empty choice and the current parent
    assert "En klimatsmart kommun (council goal, 2023–2026, Kommunfullmäktige)" in html


def test_the_tree_shows_the_current_period_unless_told(admin_client, two_periods, next_period):
    response = admin_client.get(CHANGELIST + "children/" + str(two_periods["vision"].pk) + "/")
    titles = response.json()["result_html"]
    assert titles.count(">Klimat och miljö</a>") == 1  # this period's area only
    later = admin_client.get(
        CHANGELIST + "children/" + str(two_periods["vision"].pk) + "/", {"valid_in": next_period.pk}
    ).json()["result_html"]
    assert "2027–2030" in later and "2023–2026" not in later
    every = admin_client.get(
        CHANGELIST + "children/" + str(two_periods["vision"].pk) + "/", {"valid_in": "all"}
    ).json()["result_html"]
    assert every.count(">Klimat och miljö</a>") == 2
    response = admin_client.get(CHANGELIST, {"valid_in": next_period.pk})
    assert response.context["treebeard_tree"] is True  # a period keeps the tree; other filters flatten it


def test_a_parent_of_another_period_is_refused_at_the_field_naming_both(
    admin_client, two_periods, period, office
):
    before = stored_state()
    data = add_data(
        owner=office.pk,
        period=period.pk,
        treebeard_ref_node=two_periods["later_council"].pk,
        title="Fel period",
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == []
    message = " ".join(form.errors["treebeard_ref_node"])
    assert "valid in 2027–2030, but this goal in 2023–2026" in message
    # What was chosen is still chosen, with its period.
    assert "En klimatsmart kommun (council goal, 2027–2030" in str(form["treebeard_ref_node"])
    assert stored_state() == before


def test_editor_add_form_keeps_the_parent_after_a_refused_save_and_offers_every_period(
    editor_client, two_periods, period, office
):
    offered = parents_offered(editor_client, level="unit")
    assert {str(two_periods["council"].pk), str(two_periods["later_council"].pk)} <= set(offered)
    data = add_data(owner=office.pk, period=period.pk, title="", treebeard_ref_node=two_periods["council"].pk)
    response = editor_client.post(ADD, data)
    assert response.status_code == 200 and "title" in response.context["adminform"].form.errors
    assert "selected>En klimatsmart kommun (council goal, 2023–2026" in str(
        response.context["adminform"].form["treebeard_ref_node"]
    )


def test_editor_opening_another_units_goal_is_told_whose_it_is(editor_client, tree):
    response = editor_client.get(reverse("admin:goals_goal_change", args=[tree["foreign"].pk]), follow=True)
    text = response.content.decode()
    assert "You may not edit “Annat kontors mål”: it belongs to Vård- och omsorgskontoret" in text
    assert f'href="/goals/{tree["foreign"].pk}/"' in text
    assert "doesn’t exist" not in text and "doesn't exist" not in text


def test_editor_is_refused_carry_over_and_import_with_a_page_that_says_why(editor_client, tree):
    for url in (reverse("admin:goals_goal_carry_over"), reverse("admin:goals_goal_import")):
        response = editor_client.get(url)
        assert response.status_code == 403
        text = response.content.decode()
        assert "Only an administrator can" in text and "Nothing was changed" in text


def test_link_targets_and_link_list_name_the_period(admin_client, two_periods):
    labels = admin_client.get(reverse("admin:goals_goal_link_targets"), {"term": "klimatsmart"}).json()
    texts = {row["text"] for row in labels["results"]}
    assert texts == {
        "En klimatsmart kommun (council goal, 2023–2026, Kommunfullmäktige)",
        "En klimatsmart kommun (council goal, 2027–2030, Kommunfullmäktige)",
    }
    services.goal_link_add(by=system_actor(), source=two_periods["first"], target=two_periods["committee"])
    response = admin_client.get(reverse("admin:goals_goallink_changelist"))
    assert "Nämndmål (committee goal, 2023–2026" in response.content.decode()


def test_moving_in_the_tree_says_where_the_goal_went(admin_client, tree):
    response = admin_client.post(
        CHANGELIST + "move/",
        {"node": tree["second"].pk, "target": tree["committee"].pk, "relation": "sibling"},
    )
    assert response.status_code == 200
    page = admin_client.get(CHANGELIST).content.decode()
    assert "Moved “Cykelbara skolvägar” under “En klimatsmart kommun” (2023–2026)." in page
    assert Goal.objects.get_parent(Goal.objects.get(pk=tree["second"].pk)) == tree["council"]
