"""goals.services.links: contribution links besides the tree parent."""

from goals import services
from goals.models import GoalLink
from vision.actors import system_actor


def test_link_add_and_remove(small_tree):
    link = services.goal_link_add(by=system_actor(), source=small_tree["first"], target=small_tree["area"])
    assert list(small_tree["first"].contributes_to.all()) == [small_tree["area"]]
    assert link.history.count() == 1
    services.goal_link_remove(by=system_actor(), source=small_tree["first"], target=small_tree["area"])
    assert not GoalLink.objects.exists()
