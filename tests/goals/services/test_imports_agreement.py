"""A dry run and a real run of goals_import give the same answer for every file.

FILES holds the import files the test suite uses (tests/goals/exchange/test_formats.py,
tests/goals/admin/test_exchange.py, the cache and benchmark tests) and the refusals
that once passed a dry run and failed the real run: moves that form a cycle, a
70-deep chain, a branch pushed past the depth limit, a wrong owner kind, a goal
moved to the root. For each: the dry run's outcome (the counts, or the list of
errors) equals the real run's, a refused real run leaves the database as it was,
and an accepted one leaves a sound tree that the same file then no longer changes.
"""

import csv
import io
import json
import uuid
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from goals import rules, services
from goals.exchange import formats as exchange
from goals.exchange.formats import FileRefused
from goals.models import Goal
from goals.services import goals_import
from goals.tree_check import find_problems
from tests.factories import GoalFactory, VisionFactory
from tests.goals.stored import stored_state
from vision.actors import system_actor

HOSTILE_TITLES = ["=1+1", "+46 11 15 00 00", "-5 %", "@SUMMA(A1)", "\tTabb", "\rVagnretur", "'=citerad"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tree(small_tree, period, next_period, council, office, committee):
    """small_tree with a committee goal, activities, a retired branch, a span of periods and awkward text."""
    vision, area, council_goal = small_tree["vision"], small_tree["area"], small_tree["council"]
    committee_goal = GoalFactory(
        parent=council_goal, level="committee", owner=committee, period=period, title="Fler klarar skolan"
    )
    committee_activity = GoalFactory(
        parent=committee_goal, level="activity", owner=committee, period=period, title="Läxhjälp"
    )
    activity = GoalFactory(
        parent=small_tree["second"], level="activity", owner=office, period=period, title="Cykelkartor"
    )
    retired = GoalFactory(parent=area, level="council", owner=council, period=period, title="Avslutat mål")
    GoalFactory(parent=retired, level="unit", owner=office, period=period, title="Avslutat enhetsmål")
    services.goal_retire(by=system_actor(), goal=retired)
    lasting = GoalFactory(
        parent=vision,
        level="area",
        owner=council,
        period=period,
        until_period=next_period,
        title='Långsiktigt: "trygghet", säkerhet; och =SUMMA(A1)',
        description="Två rader:\nrad två, med komma, och ”citat”.\r\nTredje.",
    )
    return SimpleNamespace(
        vision=vision,
        area=area,
        council_goal=council_goal,
        first=small_tree["first"],
        second=small_tree["second"],
        committee_goal=committee_goal,
        committee_activity=committee_activity,
        activity=activity,
        retired=retired,
        lasting=lasting,
        period=period,
        next_period=next_period,
        council=council,
        office=office,
        committee=committee,
    )


# Building files


def exported(t) -> list[dict[str, str]]:
    return exchange.export_rows(t.period)


def row_of(rows, goal) -> dict[str, str]:
    return next(row for row in rows if row["external_id"] == str(goal.external_id))


def line_of(rows, goal) -> int:
    """The line of a goal's row in a file of ``rows`` (the header is line 1)."""
    return rows.index(row_of(rows, goal)) + 2


def new_row(parent, level: str, owner, period, title: str = "Nytt mål", **values) -> dict[str, str]:
    row = dict.fromkeys(exchange.COLUMNS, "") | {
        "external_id": str(uuid.uuid4()),
        "parent_external_id": str(parent.external_id) if parent is not None else "",
        "level": level,
        "title": title,
        "status": "active",
        "owner_unit": owner.slug if owner is not None else "",
        "period": period.slug if period is not None else "",
    }
    return row | values


def as_file(rows, fmt: str = "csv") -> tuple[bytes, str]:
    return exchange.write(rows, fmt), f"mål.{fmt}"


def csv_records(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_of(records, delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(records)
    return out.getvalue().encode("utf-8-sig")


def edited(t, changes: dict, fmt: str = "csv") -> tuple[bytes, str]:
    """The exported file with some cells changed: {goal attribute name: {column: value}}."""
    rows = exported(t)
    for name, values in changes.items():
        row_of(rows, getattr(t, name)).update(values)
    return as_file(rows, fmt)


def extra(*rows, fmt: str = "csv") -> tuple[bytes, str]:
    """A file of new rows only: stored goals outside the file are left alone."""
    return as_file(list(rows), fmt)


# The files


def round_trip_into_an_empty_table(fmt):
    def build(t, monkeypatch):
        data = as_file(exported(t), fmt)
        Goal.objects.all().delete()
        return data

    return build


def the_same_file_again(fmt):
    return lambda t, monkeypatch: as_file(exported(t), fmt)


def update_and_move(t, monkeypatch):
    changes = {
        "title": "Cykelbara skolvägar överallt",
        "parent_external_id": str(t.committee_goal.external_id),
    }
    return as_file([row_of(exported(t), t.second) | changes])


def new_rows_under_stored_goals(t, monkeypatch):
    unit_goal = new_row(t.council_goal, "unit", t.office, t.period, "Nytt enhetsmål")
    activity = new_row(SimpleNamespace(external_id=unit_goal["external_id"]), "activity", t.office, t.period)
    return extra(unit_goal, activity)


def renamed_in_json(t, monkeypatch):
    data, name = as_file(exported(t), "json")
    return data.replace("Solpaneler på skolor".encode(), "Solceller på skolor".encode()), name


def json_on_one_line(t, monkeypatch):
    data, name = as_file(exported(t), "json")
    return json.dumps(json.loads(data)).encode(), name


def csv_with_semicolons(t, monkeypatch):
    data, name = as_file(exported(t))
    return csv_of(csv_records(data), delimiter=";"), name


def unknown_parent(t, monkeypatch):
    return edited(t, {"first": {"parent_external_id": str(uuid.uuid4())}})


def unknown_unit(t, monkeypatch):
    return edited(t, {"first": {"owner_unit": "finns-inte"}})


def bad_level(t, monkeypatch):
    return edited(t, {"area": {"level": "galaxy"}})


def unknown_period(t, monkeypatch):
    return edited(t, {"area": {"period": "1999-2002"}})


def wrong_period(t, monkeypatch):
    return edited(t, {"first": {"period": t.next_period.slug}})


def level_above_parent(t, monkeypatch):
    return edited(t, {"area": {"level": "activity"}})


def duplicate_id(t, monkeypatch):
    rows = exported(t)
    row_of(rows, t.second)["external_id"] = str(t.first.external_id)
    return as_file(rows)


def broken_encoding(t, monkeypatch):
    data, name = as_file(exported(t))
    return data.decode("utf-8-sig").encode("latin-1", errors="replace"), name


def parent_below_its_child(t, monkeypatch):
    rows = exported(t)
    area, council_goal = line_of(rows, t.area) - 2, line_of(rows, t.council_goal) - 2
    rows[area], rows[council_goal] = rows[council_goal], rows[area]
    return as_file(rows)


def every_bad_row_at_once(t, monkeypatch):
    return edited(
        t,
        {
            "area": {"level": "galaxy"},
            "first": {"owner_unit": "finns-inte"},
            "second": {"external_id": "not-a-uuid"},
        },
    )


def multi_line_description_then_an_error(t, monkeypatch):
    return edited(
        t,
        {
            "area": {"description": "Första raden\nandra raden\ntredje raden"},
            "council_goal": {"owner_unit": "x"},
        },
    )


def missing_and_unknown_columns(t, monkeypatch):
    data, name = as_file(exported(t))
    records = csv_records(data)
    records[0][records[0].index("owner_unit")] = "owner"
    return csv_of(records), name


def broken_json(t, monkeypatch):
    data, name = as_file(exported(t), "json")
    lines = data.decode().split("\n")
    lines[3] = lines[3].replace('"level": ', '"level" ')
    return "\n".join(lines).encode(), name


def not_a_workbook(t, monkeypatch):
    return b"PK not a zip", "mål.xlsx"


def unknown_file_type(t, monkeypatch):
    return b"x", "goals.txt"


def json_error_in_an_indented_file(t, monkeypatch):
    records = json.loads(as_file(exported(t), "json")[0])
    records[2]["owner_unit"] = "finns-inte"
    return json.dumps(records, indent=2, ensure_ascii=False).encode(), "mål.json"


def xlsx_error(t, monkeypatch):
    return edited(t, {"council_goal": {"level": "galaxy"}}, fmt="xlsx")


def admin_owner_and_parent_errors_in_json(t, monkeypatch):
    return edited(
        t,
        {"council_goal": {"owner_unit": "finns-inte"}, "first": {"parent_external_id": str(uuid.uuid4())}},
        fmt="json",
    )


def moves_forming_a_cycle(t, monkeypatch):
    # Each move alone is no move into its own branch; together they are: the committee goal
    # under "Cykelbara"'s activity, and "Cykelbara" under the committee goal's activity.
    rows = exported(t)
    committee_goal = row_of(rows, t.committee_goal) | {"parent_external_id": str(t.activity.external_id)}
    second = row_of(rows, t.second) | {"parent_external_id": str(t.committee_activity.external_id)}
    return as_file([committee_goal, second])


def moved_under_its_own_child(t, monkeypatch):
    row = row_of(exported(t), t.committee_goal)
    return as_file([row | {"parent_external_id": str(t.committee_activity.external_id)}])


def chain_of_70_activities(t, monkeypatch):
    rows, parent = [], t.first
    for number in range(70):
        row = new_row(parent, "activity", t.office, t.period, f"Aktivitet {number}")
        rows.append(row)
        parent = SimpleNamespace(external_id=row["external_id"])
    return as_file(rows)


def chain_deeper_than_the_limit(t, monkeypatch):
    monkeypatch.setattr(rules, "MAX_DEPTH", 4)
    vision = new_row(None, "vision", None, None, "Ny vision")
    rows = [vision]
    for level, owner in [
        ("area", t.council),
        ("council", t.council),
        ("committee", t.committee),
        ("unit", t.office),
    ]:
        rows.append(
            new_row(SimpleNamespace(external_id=rows[-1]["external_id"]), level, owner, t.period, level)
        )
    return as_file(rows)


def branch_pushed_past_the_limit(t, monkeypatch):
    # "Cykelbara" (depth 4) moves under the committee goal (depth 4): its activity would be at 6.
    monkeypatch.setattr(rules, "MAX_DEPTH", 5)
    return as_file(
        [row_of(exported(t), t.second) | {"parent_external_id": str(t.committee_goal.external_id)}]
    )


def wrong_owner_kind(t, monkeypatch):
    return extra(new_row(t.council_goal, "unit", t.council, t.period, "Enhetsmål av fullmäktige"))


def wrong_owner_kind_and_a_bad_date(t, monkeypatch):
    return extra(new_row(t.council_goal, "unit", t.council, t.period, decided_on="2024-02-30"))


def wrong_owner_kind_of_a_stored_goal(t, monkeypatch):
    return edited(t, {"first": {"owner_unit": t.committee.slug}})


def unit_goal_under_the_vision(t, monkeypatch):
    return extra(new_row(t.vision, "unit", t.office, t.period, "Direkt under visionen"))


def bad_dates(t, monkeypatch):
    return extra(
        new_row(t.council_goal, "unit", t.office, t.period, "A", decided_on="2024-13-45"),
        new_row(t.council_goal, "unit", t.office, t.period, "B", decided_on="2023-02-30"),
        new_row(t.council_goal, "unit", t.office, t.period, "C", decided_on="igår"),
    )


def unknown_unit_and_period_of_a_new_goal(t, monkeypatch):
    unit = SimpleNamespace(slug="finns-inte")
    return extra(new_row(t.council_goal, "unit", unit, SimpleNamespace(slug="1999-2002")))


def duplicate_new_rows(t, monkeypatch):
    row = new_row(t.council_goal, "unit", t.office, t.period)
    return extra(row, dict(row, title="Samma id igen"))


def formula_cells(fmt):
    def build(t, monkeypatch):
        rows = [
            new_row(t.council_goal, "unit", t.office, t.period, title, description=title)
            for title in HOSTILE_TITLES
        ]
        return extra(*rows, fmt=fmt)

    return build


def moved_to_the_root(t, monkeypatch):
    return edited(t, {"lasting": {"level": "vision", "parent_external_id": ""}})


def a_root_moved_under_a_vision(t, monkeypatch):
    old = Goal.objects.with_context().get(pk=VisionFactory(title="Vision 2035").pk)
    old.parent_external_id = None
    row = exchange.row_of(old)
    row |= {
        "level": "area",
        "parent_external_id": str(t.vision.external_id),
        "owner_unit": t.council.slug,
        "period": t.period.slug,
    }
    return as_file([row])


def retired_over_active_stored_children(t, monkeypatch):
    return as_file([row_of(exported(t), t.council_goal) | {"status": "retired"}])


def moved_under_a_goal_new_in_the_file(t, monkeypatch):
    committee_goal = new_row(t.council_goal, "committee", t.committee, t.period, "Ny nämndmål")
    moved = row_of(exported(t), t.first) | {"parent_external_id": committee_goal["external_id"]}
    return as_file([committee_goal, moved])


def new_goal_under_a_goal_moved_in_the_file(t, monkeypatch):
    moved = row_of(exported(t), t.second) | {"parent_external_id": str(t.committee_goal.external_id)}
    activity = new_row(t.second, "activity", t.office, t.period, "Ny aktivitet")
    return as_file([moved, activity])


IMPORTED, REFUSED = "imported", "refused"
FILES = {
    **{
        f"round trip into an empty table ({fmt})": (round_trip_into_an_empty_table(fmt), IMPORTED)
        for fmt in exchange.FORMATS
    },
    **{f"the same file again ({fmt})": (the_same_file_again(fmt), IMPORTED) for fmt in exchange.FORMATS},
    "update and move": (update_and_move, IMPORTED),
    "new rows under stored goals": (new_rows_under_stored_goals, IMPORTED),
    "renamed in json": (renamed_in_json, IMPORTED),
    "json on one line": (json_on_one_line, IMPORTED),
    "csv with semicolons": (csv_with_semicolons, IMPORTED),
    "unknown parent": (unknown_parent, REFUSED),
    "unknown unit": (unknown_unit, REFUSED),
    "bad level": (bad_level, REFUSED),
    "unknown period": (unknown_period, REFUSED),
    "wrong period": (wrong_period, REFUSED),
    "level above parent": (level_above_parent, REFUSED),
    "duplicate id": (duplicate_id, REFUSED),
    "broken encoding": (broken_encoding, REFUSED),
    "parent below its child": (parent_below_its_child, REFUSED),
    "every bad row at once": (every_bad_row_at_once, REFUSED),
    "multi-line description then an error": (multi_line_description_then_an_error, REFUSED),
    "missing and unknown columns": (missing_and_unknown_columns, REFUSED),
    "broken json": (broken_json, REFUSED),
    "not a workbook": (not_a_workbook, REFUSED),
    "unknown file type": (unknown_file_type, REFUSED),
    "json error in an indented file": (json_error_in_an_indented_file, REFUSED),
    "xlsx error": (xlsx_error, REFUSED),
    "admin: owner and parent errors in json": (admin_owner_and_parent_errors_in_json, REFUSED),
    "moves forming a cycle": (moves_forming_a_cycle, REFUSED),
    "moved under its own child": (moved_under_its_own_child, REFUSED),
    "chain of 70 activities": (chain_of_70_activities, REFUSED),
    "chain deeper than the limit": (chain_deeper_than_the_limit, REFUSED),
    "branch pushed past the limit": (branch_pushed_past_the_limit, REFUSED),
    "wrong owner kind": (wrong_owner_kind, REFUSED),
    "wrong owner kind and a bad date": (wrong_owner_kind_and_a_bad_date, REFUSED),
    "wrong owner kind of a stored goal": (wrong_owner_kind_of_a_stored_goal, REFUSED),
    "unit goal under the vision": (unit_goal_under_the_vision, REFUSED),
    "bad dates": (bad_dates, REFUSED),
    "unknown unit and period of a new goal": (unknown_unit_and_period_of_a_new_goal, REFUSED),
    "duplicate new rows": (duplicate_new_rows, REFUSED),
    **{f"formula cells ({fmt})": (formula_cells(fmt), IMPORTED) for fmt in ("csv", "xlsx")},
    "moved to the root": (moved_to_the_root, REFUSED),
    "a root moved under a vision": (a_root_moved_under_a_vision, REFUSED),
    "retired over active stored children": (retired_over_active_stored_children, REFUSED),
    "moved under a goal new in the file": (moved_under_a_goal_new_in_the_file, IMPORTED),
    "new goal under a goal moved in the file": (new_goal_under_a_goal_moved_in_the_file, IMPORTED),
}


# Running them


def outcome(data: bytes, name: str, *, dry_run: bool):
    try:
        rows = exchange.read(data, exchange.format_of(name))
        result = goals_import(by=system_actor(), rows=rows, dry_run=dry_run)
    except FileRefused as refused:
        return "refused", [(e.line, e.record, e.column, e.reason) for e in refused.errors]
    return "imported", (result.created, result.updated, result.moved, result.unchanged)


def both_runs(data: bytes, name: str):
    system_actor()  # made before the snapshot: it is no part of what an import writes
    before = stored_state()
    dry = outcome(data, name, dry_run=True)
    assert stored_state() == before, "a dry run writes nothing"
    real = outcome(data, name, dry_run=False)
    assert real == dry, "the dry run must give the real run's answer"
    if real[0] == "refused":
        assert stored_state() == before, "a refused import leaves the database unchanged"
    return real


@pytest.mark.parametrize("name", list(FILES))
def test_dry_run_and_real_run_agree(tree, monkeypatch, name):
    build, expected = FILES[name]
    data, filename = build(tree, monkeypatch)
    verdict, detail = both_runs(data, filename)
    assert verdict == expected, detail
    if verdict == IMPORTED:
        assert find_problems() == []
        again = outcome(data, filename, dry_run=True)
        assert again[0] == IMPORTED and again[1][:3] == (0, 0, 0), "the file's tree is the stored tree now"


# What the refusals say


def refusal(t, monkeypatch, build) -> list[tuple]:
    verdict, errors = both_runs(*build(t, monkeypatch))
    assert verdict == REFUSED
    return errors


def test_a_cycle_of_moves_is_refused_on_the_moved_rows(tree, monkeypatch):
    errors = refusal(tree, monkeypatch, moves_forming_a_cycle)
    assert [(line, column) for line, _record, column, _reason in errors] == [
        (2, "parent_external_id"),
        (3, "parent_external_id"),
    ]
    assert all(reason == "A goal cannot be moved under itself or its own sub-goals." for *_, reason in errors)


def test_a_goal_moved_under_its_own_child_is_refused(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, moved_under_its_own_child)
    assert error[2:] == ("parent_external_id", "A goal cannot be moved under itself or its own sub-goals.")


def test_a_70_deep_chain_is_refused_where_the_hierarchy_stops_it(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, chain_of_70_activities)
    assert (error[0], error[2]) == (3, "level"), "the second activity, under the first"
    assert (
        error[3]
        == "A goal at the level “activity” cannot sit under one at the level “activity”: it belongs under “committee goal” or “unit goal”."
    )


def test_a_chain_past_the_depth_limit_gets_the_rules_message(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, chain_deeper_than_the_limit)
    assert (error[0], error[2]) == (6, "parent_external_id"), "the unit goal, fifth level down"
    assert error[3] == "The tree goes at most 4 levels deep: “committee” cannot take sub-goals."


def test_a_branch_pushed_past_the_depth_limit_is_refused_on_the_moved_row(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, branch_pushed_past_the_limit)
    assert (error[0], error[2]) == (2, "parent_external_id")
    assert error[3] == (
        "The tree goes at most 5 levels deep: the branch of “Cykelbara skolvägar” would go deeper "
        "under “Fler klarar skolan”."
    )


def test_the_owner_kind_is_checked_on_every_row_and_reported_on_owner_unit(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, wrong_owner_kind)
    assert (error[0], error[2]) == (2, "owner_unit")
    assert error[3] == (
        "A goal at the level “unit goal” is owned by a unit of the kind “office” or “company”; Kommunfullmäktige is of the kind “council”."
    )
    errors = refusal(tree, monkeypatch, wrong_owner_kind_and_a_bad_date)
    assert [(line, column) for line, _record, column, _reason in errors] == [
        (2, "decided_on"),
        (2, "owner_unit"),
    ]


def test_a_goal_moved_to_the_root_is_refused_before_anything_is_written(tree, monkeypatch):
    (error,) = refusal(tree, monkeypatch, moved_to_the_root)
    assert error[2:] == ("parent_external_id", "A goal cannot be moved to the root of the tree.")
    (error,) = refusal(tree, monkeypatch, a_root_moved_under_a_vision)
    assert error[2:] == ("parent_external_id", "A vision stays at the root of the tree and cannot be moved.")


def test_moves_and_new_goals_in_one_file_land_where_the_file_says(tree, monkeypatch):
    assert both_runs(*new_goal_under_a_goal_moved_in_the_file(tree, monkeypatch)) == (
        "imported",
        (1, 0, 1, 0),
    )
    second = Goal.objects.get(pk=tree.second.pk)
    assert Goal.objects.get_parent(second).pk == tree.committee_goal.pk
    titles = [goal.title for goal in Goal.objects.get_children(second)]
    assert titles == ["Cykelkartor", "Ny aktivitet"]
    assert both_runs(*moved_under_a_goal_new_in_the_file(tree, monkeypatch)) == ("imported", (1, 0, 1, 0))
    assert Goal.objects.get_parent(Goal.objects.get(pk=tree.first.pk)).title == "Ny nämndmål"


def test_bad_dates_are_refused_on_their_column(tree, monkeypatch):
    errors = refusal(tree, monkeypatch, bad_dates)
    assert [(line, column) for line, _record, column, _reason in errors] == [
        (2, "decided_on"),
        (3, "decided_on"),
        (4, "decided_on"),
    ]


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_command_lists_the_refusal_of_a_deep_chain_either_way(tree, monkeypatch, tmp_path, dry_run):
    data, name = chain_of_70_activities(tree, monkeypatch)
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 errors: nothing was imported"):
        call_command("import_goals", str(path), *(["--dry-run"] if dry_run else []), stderr=err)
    assert (
        f"{name}: line 3, column level: A goal at the level “activity” cannot sit under one at the level “activity”"
        in err.getvalue()
    )
