"""axe-core (WCAG 2.1 A/AA) on every admin page an administrator or an editor uses, in Swedish and English,
at 1280 and 390 px, also after each action that shows a message: no violations. One browser for the module."""

import pytest
from django.urls import reverse

from goals import services
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import GoalFactory
from vision.actors import system_actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every kind of admin page in Swedish at 1280 px (one plain list stands for the others of Django's
# change list: units, periods, memberships, links and the three axes lists share its template); in
# the other three views the pages whose layout and words change most with language and width. An
# axe run takes seconds, so this keeps the module near two minutes.
VIEWS = [("sv-SE", 1280), ("en-GB", 390), ("sv-SE", 390), ("en-GB", 1280)]
EVERY_VIEW = {"goals", "goal-change", "editor-other-units-goal"}


@pytest.fixture
def goals(small_tree, committee, other_office, next_period, council, period):
    """The small tree with a second period and another unit's goal, and a change in the history."""
    GoalFactory(
        parent=small_tree["vision"], level="area", owner=council, period=next_period, title="Klimat 2027"
    )
    foreign = GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=other_office,
        period=period,
        title="Annat kontors mål",
    )
    committee_goal = GoalFactory(
        parent=small_tree["council"], level="committee", owner=committee, period=period, title="Nämndmål"
    )
    services.goal_update(by=system_actor(), goal=small_tree["first"], needs_relinking=True)
    services.goal_link_add(by=system_actor(), source=small_tree["second"], target=committee_goal)
    return {**small_tree, "foreign": foreign}


def admin_pages(goals) -> dict[str, str]:
    goal = goals["first"]
    history = goal.history.order_by("history_id").first()
    return {
        "index": reverse("admin:index"),
        "goals": reverse("admin:goals_goal_changelist"),
        "goal-add": reverse("admin:goals_goal_add"),
        "goal-change": reverse("admin:goals_goal_change", args=[goal.pk]),
        "goal-history": reverse("admin:goals_goal_history", args=[goal.pk]),
        "goal-revert": reverse("admin:goals_goal_simple_history", args=[goal.pk, history.history_id]),
        "carry-over": reverse("admin:goals_goal_carry_over"),
        "import": reverse("admin:goals_goal_import"),
        "export": reverse("admin:goals_goal_export"),
        "link-add": reverse("admin:goals_goallink_add"),
        "unit-change": reverse("admin:vision_unit_change", args=[goal.owner_id]),
        "access-attempts": reverse("admin:axes_accessattempt_changelist"),
    }


def editor_pages(goals) -> dict[str, str]:
    return {
        "editor-goals": reverse("admin:goals_goal_changelist"),
        "editor-goal-add": reverse("admin:goals_goal_add"),
        # The honest answers: another unit's goal (a message on the list), carry-over and import refused.
        "editor-other-units-goal": reverse("admin:goals_goal_change", args=[goals["foreign"].pk]),
        "editor-carry-over-refused": reverse("admin:goals_goal_carry_over"),
    }


def scan(page, url, name, found, *, shoot_it) -> None:
    page.goto(url)
    if shoot_it:
        shoot(page, f"admin-axe-{name}")
    found[name] = axe_violations(page)


def after_actions(page, live_server, goals, tag, found, *, shoot_it) -> None:
    """The list after a save, and after a refused move (its error message), scanned as they show."""
    page.goto(live_server.url + reverse("admin:goals_goal_change", args=[goals["second"].pk]))
    page.locator("input[name=_save]").click()
    page.locator("body.goal-tree-ready").wait_for()
    found[f"after-save-{tag}"] = axe_violations(page)
    page.evaluate(
        """([node, target]) => fetch('move/', {method: 'POST', headers: {'X-CSRFToken':
            document.querySelector('[data-csrftoken]').dataset.csrftoken},
            body: new URLSearchParams({node, target, relation: 'child'})})""",
        [str(goals["second"].pk), str(goals["area"].pk)],  # refused: a unit goal under an area
    )
    page.reload()
    page.locator("body.goal-tree-ready").wait_for()
    assert page.locator(".messagelist .error").count() == 1
    if shoot_it:
        shoot(page, f"admin-axe-after-refused-move-{tag}")
    found[f"after-refused-move-{tag}"] = axe_violations(page)


def test_every_admin_page_passes_axe_in_both_languages_and_widths(
    browser, live_server, client, admin_user, editor, goals
):
    found = {}
    for locale, width in VIEWS:
        tag = f"{locale[:2]}-{width}"
        every = (locale, width) == VIEWS[0]
        shoot_it = locale == "sv-SE"
        for user, pages in ((admin_user, admin_pages(goals)), (editor, editor_pages(goals))):
            page = signed_in(browser, live_server, client, user, locale=locale, viewport=(width, 900))
            for name, url in pages.items():
                if every or name in EVERY_VIEW:
                    scan(page, live_server.url + url, f"{name}-{tag}", found, shoot_it=shoot_it)
            if user == admin_user and (every or (locale, width) == VIEWS[1]):
                after_actions(page, live_server, goals, tag, found, shoot_it=shoot_it)
            page.context.close()
    problems = {name: problems for name, problems in found.items() if problems}
    assert problems == {}, "\n".join(f"{name}: {found}" for name, found in problems.items())
    assert len(found) == 12 + 4 + 3 * 3 + 2 * 2


def test_a_planted_violation_fails_the_scan(browser, live_server, client, admin_user, goals):
    """The scan above can fail: an image without a text alternative and a nameless toggle are found."""
    page = signed_in(browser, live_server, client, admin_user)
    page.goto(live_server.url + reverse("admin:goals_goal_changelist"))
    page.evaluate(
        """() => {
            document.querySelector('#content').insertAdjacentHTML('beforeend',
                '<img src="/static/admin/img/icon-no.svg"><a href="#"></a>');
        }"""
    )
    ids = {problem.split(":")[0] for problem in axe_violations(page)}
    assert {"image-alt", "link-name"} <= ids
