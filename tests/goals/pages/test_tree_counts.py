"""Property: on random trees the tree page's counts and the expand fragment agree with a plain count."""

import re
from datetime import date

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goals import services
from goals.models import Goal, GoalLevel
from tests.factories import PeriodFactory, UnitFactory, UserFactory, levels_under, unit_kind_for
from vision.actors import system_actor
from vision.models import UnitKind

# Each new goal: (index of its parent among the goals so far, which of the levels the hierarchy
# allows under that parent, second period?)
shapes = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 2), st.booleans()), min_size=1, max_size=25)
retirements = st.lists(st.integers(0, 40), max_size=3)


def count_label(html: str, pk: int) -> int:
    match = re.search(rf'<li id="g{pk}" class="node">.*?<span class="meta">(.*?)</span></div>', html, re.S)
    found = re.search(r"(\d+) goals? below", match.group(1)) if match else None
    return int(found.group(1)) if found else 0


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=shapes, retire=retirements, status=st.sampled_from(["active", "all"]))
def test_counts_and_children_match_a_plain_count(client, shape, retire, status):
    with transaction.atomic():
        first = PeriodFactory(
            slug="2023-2026", start=date(2023, 1, 1), end=date(2026, 12, 31), is_current=True
        )
        second = PeriodFactory(slug="2027-2030", start=date(2027, 1, 1), end=date(2030, 12, 31))
        units = {kind: UnitFactory(slug=f"enhet-{kind}", kind=kind) for kind in UnitKind.values}
        client.force_login(UserFactory(username="lasare"))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        vision = services.goal_create(by=system_actor(), parent=None, title="Vision", level=GoalLevel.VISION)
        goals = [vision]
        for parent_index, step, later in shape:
            parent = goals[parent_index % len(goals)]
            allowed = levels_under(parent)
            if not allowed:
                continue
            level = allowed[step % len(allowed)]
            period = parent.period or (second if later else first)
            goals.append(
                services.goal_create(
                    by=system_actor(),
                    parent=parent,
                    title=f"Mål {len(goals)}",
                    level=level,
                    owner=units[unit_kind_for(level)],
                    period=period,
                )
            )
        for index in retire:
            if len(goals) > 1:
                services.goal_retire(by=system_actor(), goal=goals[1 + index % (len(goals) - 1)])

        stored = list(Goal.objects.select_related("period", "until_period"))

        def below(node):
            return sum(
                1
                for other in stored
                if other.path.startswith(node.path)
                and other.depth > node.depth
                and other.is_valid_in(first)
                and (status == "all" or other.status == status)
            )

        page = client.get(f"/goals/?period={first.slug}&status={status}").content.decode()
        for node in stored:
            if node.depth <= 3 and f'<li id="g{node.pk}"' in page:
                assert count_label(page, node.pk) == below(node), node.title
        for node in stored:
            fragment = client.get(
                f"/goals/{node.pk}/children/?period={first.slug}&status={status}", HTTP_HX_REQUEST="true"
            ).content.decode()
            expected = {
                child.pk
                for child in stored
                if child.depth == node.depth + 1
                and child.path.startswith(node.path)
                and child.is_valid_in(first)
                and (status == "all" or child.status == status)
            }
            assert {int(pk) for pk in re.findall(r'<li id="g(\d+)"', fragment)} == expected
            for child in stored:
                if child.pk in expected:
                    assert count_label(fragment, child.pk) == below(child), child.title
        transaction.set_rollback(True)
