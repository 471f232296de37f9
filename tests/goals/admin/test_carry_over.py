"""The carry-over page in the admin: administrators only; the plan first, the real run on confirmation."""

import pytest
from django.urls import reverse

from goals import services
from goals.models import Goal
from goals.tree_check import find_problems
from tests.factories import GoalFactory, UserFactory
from vision.actors import system_actor
from vision.models import UnitMembership, UnitRole

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


URL = reverse("admin:goals_goal_carry_over")


def test_the_plan_changes_nothing(admin_client, small_tree, period, next_period):
    count = Goal.objects.count()
    response = admin_client.post(URL, {"source": period.pk, "target": next_period.pk, "preview": "1"})
    assert response.status_code == 200
    assert response.context["plan"].created == 4
    assert "4 goals will be carried over" in response.content.decode()
    assert Goal.objects.count() == count


def test_confirming_carries_over_once(admin_client, small_tree, period, next_period):
    response = admin_client.post(URL, {"source": period.pk, "target": next_period.pk, "confirm": "1"})
    assert response.status_code == 302
    assert Goal.objects.filter(period=next_period).count() == 4
    assert find_problems() == []
    admin_client.post(URL, {"source": period.pk, "target": next_period.pk, "confirm": "1"})
    assert Goal.objects.filter(period=next_period).count() == 4


def test_one_unit_only_with_relinking_listed(
    admin_client, small_tree, period, next_period, council, committee, office
):
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period
    )
    GoalFactory(parent=committee_goal, level="unit", owner=office, period=period, title="Rekrytera lärare")
    services.period_carry_over(by=system_actor(), source=period, target=next_period, unit=council)
    response = admin_client.post(
        URL, {"source": period.pk, "target": next_period.pk, "unit": office.pk, "preview": "1"}
    )
    assert response.context["plan"].created == 3
    assert "“Rekrytera lärare” (Utbildningskontoret) will be placed under “En klimatsmart kommun”" in (
        response.content.decode()
    )


def test_a_unit_whose_goals_have_nowhere_to_go_is_refused_on_the_form(
    admin_client, small_tree, period, next_period, office
):
    """Unit goals may not sit under the vision: before the council goals are carried, the office's are refused."""
    response = admin_client.post(
        URL, {"source": period.pk, "target": next_period.pk, "unit": office.pk, "confirm": "1"}
    )
    assert response.status_code == 200
    assert "Carry over “En klimatsmart kommun” first" in response.content.decode()
    assert not Goal.objects.filter(period=next_period).exists()


def test_carrying_backwards_is_refused_on_the_form(admin_client, small_tree, period, next_period):
    response = admin_client.post(URL, {"source": next_period.pk, "target": period.pk, "confirm": "1"})
    assert response.status_code == 200
    assert "does not come after" in response.content.decode()
    assert not Goal.objects.filter(period=next_period).exists()


def test_editors_may_not_carry_over(client, small_tree, period, next_period, office):
    user = UserFactory(username="redaktor", is_staff=True)
    UnitMembership.objects.create(user=user, unit=office, role=UnitRole.EDITOR)
    client.force_login(user)
    response = client.post(URL, {"source": period.pk, "target": next_period.pk, "confirm": "1"})
    assert response.status_code == 403
    assert not Goal.objects.filter(period=next_period).exists()


def test_changelist_links_to_the_carry_over_page_for_administrators(admin_client, small_tree):
    assert URL in admin_client.get(reverse("admin:goals_goal_changelist")).content.decode()
