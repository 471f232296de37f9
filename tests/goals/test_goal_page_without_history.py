"""A goal bulk-inserted without a history record (generate_goals, import) still has a page."""

from django.core.management import call_command

from goals.models import Goal
from tests.factories import UserFactory


def test_generated_goal_without_history_has_a_page(client, db):
    call_command("generate_goals", goals=20, periods=1, stdout=open("/dev/null", "w"))  # noqa: SIM115
    goal = Goal.objects.filter(depth=4).first()
    assert not goal.history.exists()
    client.force_login(UserFactory())
    response = client.get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    assert goal.title in response.content.decode()
