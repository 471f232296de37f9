"""8 processes editing, adding and moving goals through the admin at once, on PostgreSQL.

Each process is a browser of its own (Django's test client in a forked
process with its own database connection) working for a few seconds against
a committed database: it loads a goal's change form, appends its own marker
to the description and saves; adds goals; moves goals between two parents,
by drag and drop and through the change form. Half are administrators, half
unit editors. Afterwards: no answer was a 500, every save that was accepted
kept its marker (no lost update), refused saves said why, and the tree is
sound. tests/goals/services/test_concurrency.py covers the services alone.
"""

import multiprocessing
import random
import re
import time
import traceback

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client

from goals.models import Goal, GoalLevel
from goals.tree_check import find_problems
from tests.factories import GoalFactory, PeriodFactory, UnitFactory, UserFactory, VisionFactory
from tests.goals.admin.support import admin_form_data
from vision.actors import system_actor
from vision.models import UnitRole
from vision.services import membership_grant

WORKERS = 8
SECONDS = 4.0
# On a busy machine a few seconds may hold only a few requests; each process makes at least this many.
MIN_OPERATIONS = 8
MARKER = re.compile(r"\[(w\d+-\d+)\]")


def change_url(pk: int) -> str:
    return f"/admin/goals/goal/{pk}/change/"


def worker(index: int, username: str, shared: dict, start, results) -> None:
    connections.close_all()  # never share the parent's socket
    rng = random.Random(index)
    outcomes: list[tuple] = []
    try:
        client = Client(raise_request_exception=False)
        client.force_login(get_user_model().objects.get(username=username))
        # Warm up (templates compiled, caches filled) so the processes then collide in earnest.
        client.get(change_url(shared["edited"][0]))
        client.get("/admin/goals/goal/add/")
        start.wait()
        deadline = time.monotonic() + SECONDS
        n = 0
        while time.monotonic() < deadline or n < MIN_OPERATIONS:
            n += 1
            operation = rng.choice(["edit", "edit", "edit", "add", "move", "edit_and_move"])
            outcomes.append(OPERATIONS[operation](client, rng, shared, f"w{index}-{n}"))
    except Exception:
        outcomes.append(("crash", None, 0, traceback.format_exc()))
    finally:
        results.put((index, outcomes))
        connections.close_all()


def edit(client, rng, shared, marker, move=False):
    pk = rng.choice(shared["edited"])
    loaded = client.get(change_url(pk))
    if loaded.status_code != 200:
        return ("edit", pk, loaded.status_code, "loading the form")
    data = admin_form_data(loaded)
    data["description"] = f"{data.get('description', '')} [{marker}]".strip()
    if move:
        current = data["treebeard_ref_node"]
        data["treebeard_ref_node"] = str(next(p for p in shared["parents"] if str(p) != current))
        data["treebeard_position"] = child_position(loaded)
    response = client.post(change_url(pk), {**data, "_save": "Save"})
    detail = failure(response)
    if response.status_code == 200:
        form = response.context["adminform"].form
        codes = {error.code for error in form.non_field_errors().as_data()}
        detail = "edit_conflict" if codes == {"edit_conflict"} else form.errors.as_text()
    return ("edit_and_move" if move else "edit", pk, response.status_code, detail, marker)


def failure(response) -> str:
    """The last lines of the traceback behind a 500, for the assertion message."""
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    return "".join(traceback.format_exception(*exc_info)[-3:])


def child_position(loaded) -> str:
    """Editors' forms place a goal as the last child; administrators' as the first (treebeard's choices)."""
    offered = {value for value, _ in loaded.context["adminform"].form.fields["treebeard_position"].choices}
    return "last-child" if "last-child" in offered else "first-child"


def edit_and_move(client, rng, shared, marker):
    return edit(client, rng, shared, marker, move=True)


def add(client, rng, shared, marker):
    loaded = client.get("/admin/goals/goal/add/")
    data = admin_form_data(loaded)
    data.update(
        title=f"Nytt mål {marker}",
        level=GoalLevel.UNIT,
        status="active",
        owner=str(shared["office"]),
        period=str(shared["period"]),
        treebeard_position=child_position(loaded),
        treebeard_ref_node=str(rng.choice(shared["parents"])),
        _save="Save",
    )
    response = client.post("/admin/goals/goal/add/", data)
    detail = failure(response)
    if response.status_code == 200:
        detail = str(response.context["adminform"].form.errors)
    return ("add", None, response.status_code, detail, marker)


def move(client, rng, shared, marker):
    pk = rng.choice(shared["moved"])
    response = client.post(
        "/admin/goals/goal/move/",
        {"node": pk, "target": rng.choice(shared["parents"]), "relation": "child"},
    )
    return ("move", pk, response.status_code, failure(response) or response.content.decode()[:200])


OPERATIONS = {"edit": edit, "edit_and_move": edit_and_move, "add": add, "move": move}


@pytest.fixture
def shared(postgres, transactional_db):
    period = PeriodFactory(slug="2023-2026", start="2023-01-01", end="2026-12-31", is_current=True)
    period.refresh_from_db()
    council = UnitFactory(slug="kommunfullmaktige", kind="council")
    office = UnitFactory(slug="utbildningskontoret")
    vision = VisionFactory(title="NORRKÖPING tar plats")
    area = GoalFactory(parent=vision, level="area", owner=council, period=period, title="Område")
    parents = [
        GoalFactory(parent=area, level="council", owner=council, period=period, title=f"KF-mål {n}")
        for n in range(2)
    ]
    edited = [
        GoalFactory(parent=parents[n % 2], level="unit", owner=office, period=period, title=f"Redigeras {n}")
        for n in range(3)
    ]
    moved = [
        GoalFactory(parent=parents[n % 2], level="unit", owner=office, period=period, title=f"Flyttas {n}")
        for n in range(3)
    ]
    for n in range(WORKERS):
        if n % 2:
            UserFactory(username=f"admin{n}", is_staff=True, is_superuser=True)
        else:
            membership_grant(
                by=system_actor(), user=UserFactory(username=f"editor{n}"), unit=office, role=UnitRole.EDITOR
            )
    return {
        "period": period.pk,
        "office": office.pk,
        "parents": [goal.pk for goal in parents],
        "edited": [goal.pk for goal in edited],
        "moved": [goal.pk for goal in moved],
        "goals_before": Goal.objects.count(),
    }


def test_eight_browsers_editing_adding_and_moving_lose_nothing(shared):
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(WORKERS), context.Queue()
    usernames = [f"admin{n}" if n % 2 else f"editor{n}" for n in range(WORKERS)]
    processes = [
        context.Process(target=worker, args=(n, usernames[n], shared, start, results)) for n in range(WORKERS)
    ]
    began = time.monotonic()
    for process in processes:
        process.start()
    outcomes = []
    for _ in processes:
        outcomes.extend(results.get(timeout=600)[1])
    for process in processes:
        process.join(timeout=60)
    elapsed = time.monotonic() - began

    crashes = [o for o in outcomes if o[0] == "crash" or o[2] >= 500]
    assert crashes == [], crashes
    assert all(process.exitcode == 0 for process in processes)

    saved = [o for o in outcomes if o[0] in {"edit", "edit_and_move"} and o[2] == 302]
    refused = [o for o in outcomes if o[0] in {"edit", "edit_and_move"} and o[2] == 200]
    assert saved, "no edit went through"
    # A refused save is refused for one reason only: someone saved or moved the goal meanwhile.
    other_refusals = [o for o in refused if o[3] != "edit_conflict"]
    assert other_refusals == [], other_refusals
    unexpected = [o for o in outcomes if (o[0], o[2]) not in EXPECTED_ANSWERS]
    assert unexpected == [], unexpected[:5]

    # No lost update: every accepted save's marker is in the goal's final text.
    for pk in shared["edited"]:
        kept = set(MARKER.findall(Goal.objects.get(pk=pk).description))
        accepted = {o[4] for o in saved if o[1] == pk}
        assert accepted <= kept, f"goal {pk} lost the saves {sorted(accepted - kept)}"
        assert kept <= accepted, f"goal {pk} shows saves that were refused: {sorted(kept - accepted)}"

    added = [o for o in outcomes if o[0] == "add" and o[2] == 302]
    assert Goal.objects.count() == shared["goals_before"] + len(added)
    assert set(Goal.objects.filter(title__startswith="Nytt mål").values_list("title", flat=True)) == {
        f"Nytt mål {o[4]}" for o in added
    }
    assert find_problems() == []
    print(
        f"\n{len(outcomes)} operations in {elapsed:.1f} s by {WORKERS} processes: "
        f"{len(saved)} saves, {len(refused)} refused as conflicts, {len(added)} adds, "
        f"{sum(1 for o in outcomes if o[0] == 'move' and o[2] == 200)} moves"
    )


EXPECTED_ANSWERS = {
    ("edit", 302),  # saved
    ("edit", 200),  # refused: someone saved it meanwhile
    ("edit_and_move", 302),
    ("edit_and_move", 200),
    ("add", 302),
    ("move", 200),
}
