"""The carry-over page in the admin: administrators only; the plan first, the real run on confirmation."""

import pytest
from django.urls import reverse
from django.utils import translation

from goals.models import Goal
from goals.tree_check import find_problems
from tests.factories import UserFactory
from vision.models import UnitMembership, UnitRole

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    """The messages are checked in English, whatever Swedish translations are compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


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


def test_one_unit_only_with_relinking_listed(admin_client, small_tree, period, next_period, office):
    response = admin_client.post(
        URL, {"source": period.pk, "target": next_period.pk, "unit": office.pk, "preview": "1"}
    )
    assert response.context["plan"].created == 2
    assert "will be placed under" in response.content.decode()


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
