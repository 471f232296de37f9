"""goals.exchange.formats and goals.services.imports: csv, xlsx and json both ways, refusals, commands."""

import datetime
import io
import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from goals import rules, services
from goals.exchange import formats as exchange
from goals.exchange.formats import FileRefused
from goals.models import Goal, GoalLevel
from goals.services import goals_import
from goals.tree_check import find_problems
from tests.factories import GoalFactory
from tests.goals.stored import stored_state
from vision.actors import system_actor

FORMATS = ["csv", "xlsx", "json"]

# Messages are asserted in English here; test_errors_are_in_swedish_by_default checks Swedish.
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def rich_tree(small_tree, period, next_period, council, office):
    """small_tree plus decisions, a span of periods, a retired branch and awkward text."""
    area = small_tree["area"]
    services.goal_update(
        by=system_actor(),
        goal=small_tree["council"],
        decided_by="Kommunfullmäktige",
        decided_on=datetime.date(2022, 12, 19),
        case_number="KS 2022/0123",
    )
    GoalFactory(
        parent=small_tree["vision"],
        level="area",
        owner=council,
        period=period,
        until_period=next_period,
        title='Långsiktigt: "trygghet", säkerhet; och =SUMMA(A1)',
        description="Två rader:\nrad två, med komma, och ”citat”.\r\nTredje.",
    )
    retired = GoalFactory(parent=area, level="council", owner=council, period=period, title="Avslutat mål")
    GoalFactory(parent=retired, level="unit", owner=office, period=period, title="Avslutat enhetsmål")
    services.goal_retire(by=system_actor(), goal=retired)
    return small_tree


def export(period, fmt) -> bytes:
    return exchange.write(exchange.export_rows(period), fmt)


def import_bytes(data: bytes, fmt: str, **kwargs):
    return goals_import(by=system_actor(), rows=exchange.read(data, fmt), **kwargs)


def csv_rows(data: bytes) -> list[list[str]]:
    import csv

    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def refused(data: bytes, fmt: str = "csv") -> list[exchange.RowError]:
    before = stored_state()
    with pytest.raises(FileRefused) as info:
        import_bytes(data, fmt)
    assert stored_state() == before, "a refused import must leave the database unchanged"
    return info.value.errors


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_into_an_empty_goal_table_gives_an_identical_file(rich_tree, period, fmt):
    first = export(period, fmt)
    Goal.objects.all().delete()
    result = import_bytes(first, fmt)
    assert result.created == 8 and result.updated == result.moved == 0
    assert find_problems() == []
    assert export(period, fmt) == first


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_file_twice_changes_nothing_the_second_time(rich_tree, period, fmt):
    data = export(period, fmt)
    before = stored_state()
    result = import_bytes(data, fmt)
    assert (result.created, result.updated, result.moved, result.unchanged) == (0, 0, 0, 8)
    assert stored_state() == before


def test_export_rows_carry_keys_not_database_ids(rich_tree, period):
    rows = exchange.export_rows(period)
    council_goal = rich_tree["council"]
    row = next(r for r in rows if r["external_id"] == str(council_goal.external_id))
    assert row == {
        "external_id": str(council_goal.external_id),
        "parent_external_id": str(rich_tree["area"].external_id),
        "level": "council",
        "title": "En klimatsmart kommun",
        "description": "",
        "status": "active",
        "owner_unit": "kommunfullmaktige",
        "period": "2023-2026",
        "until_period": "",
        "decided_by": "Kommunfullmäktige",
        "decided_on": "2022-12-19",
        "case_number": "KS 2022/0123",
    }
    assert rows[0]["level"] == "vision" and rows[0]["parent_external_id"] == ""


def test_export_is_in_tree_order_and_only_the_period(rich_tree, period, next_period, council):
    GoalFactory(parent=rich_tree["vision"], level="area", owner=council, period=next_period, title="Senare")
    titles = [r["title"] for r in exchange.export_rows(period)]
    assert "Senare" not in titles
    paths = [Goal.objects.get(external_id=r["external_id"]).path for r in exchange.export_rows(period)]
    assert paths == sorted(paths)
    later = [r["title"] for r in exchange.export_rows(next_period)]
    assert "Senare" in later and any(t.startswith("Långsiktigt") for t in later)


def test_import_updates_changed_rows_and_moves_to_a_new_parent(rich_tree, period, council):
    rows = csv_rows(export(period, "csv"))
    header = rows[0]
    first = next(r for r in rows if r[header.index("external_id")] == str(rich_tree["first"].external_id))
    first[header.index("title")] = "Solpaneler på alla skolor"
    # Raised to a council goal of the council, straight under the goal area.
    first[header.index("parent_external_id")] = str(rich_tree["area"].external_id)
    first[header.index("level")] = GoalLevel.COUNCIL
    first[header.index("owner_unit")] = council.slug
    version = Goal.objects.get(pk=rich_tree["first"].pk).version

    result = import_bytes(csv_bytes(rows), "csv")

    assert (result.updated, result.moved, result.created) == (1, 1, 0)
    moved = Goal.objects.get(pk=rich_tree["first"].pk)
    assert moved.title == "Solpaneler på alla skolor" and moved.level == GoalLevel.COUNCIL
    assert moved.owner == council
    assert Goal.objects.get_parent(moved).pk == rich_tree["area"].pk
    assert moved.version > version, (
        "an import is a save like any other: editors holding the old version get a conflict"
    )
    assert find_problems() == []
    assert import_bytes(csv_bytes(rows), "csv").unchanged == 8


def test_import_adds_new_rows_under_stored_goals(rich_tree, period, office):
    rows = csv_rows(export(period, "csv"))
    header = rows[0]
    new_id, child_id = uuid.uuid4(), uuid.uuid4()
    template = dict.fromkeys(header, "")
    council_goal = str(rich_tree["council"].external_id)
    for key, parent, level in [(new_id, council_goal, "unit"), (child_id, str(new_id), "activity")]:
        row = template | {
            "external_id": str(key),
            "parent_external_id": parent,
            "level": level,
            "title": f"Nytt {level}",
            "status": "active",
            "owner_unit": office.slug,
            "period": "2023-2026",
        }
        rows.append([row[c] for c in header])
    # Only the new rows: stored goals outside the file are left alone.
    result = import_bytes(csv_bytes([header, *rows[-2:]]), "csv")
    assert result.created == 2
    new = Goal.objects.get(external_id=new_id)
    assert Goal.objects.get_parent(new).pk == rich_tree["council"].pk
    assert Goal.objects.get_parent(Goal.objects.get(external_id=child_id)).pk == new.pk
    assert [g.pk for g in Goal.objects.child_of(rich_tree["council"])][-1] == new.pk
    assert find_problems() == []


def test_dry_run_counts_and_writes_nothing(rich_tree, period):
    data = export(period, "json")
    Goal.objects.all().delete()
    result = import_bytes(data, "json", dry_run=True)
    assert result.created == 8 and result.dry_run
    assert Goal.objects.count() == 0


# Every error: line, column and reason, and nothing written.


@pytest.fixture
def file_rows(rich_tree, period):
    rows = csv_rows(export(period, "csv"))
    return rows


def cell(rows, line: int, column: str) -> None:
    return rows[line - 1][rows[0].index(column)]


def set_cell(rows, line: int, column: str, value: str) -> None:
    rows[line - 1][rows[0].index(column)] = value


def only_error(errors):
    assert len(errors) == 1, errors
    return errors[0]


def test_unknown_parent(file_rows):
    set_cell(file_rows, 4, "parent_external_id", str(uuid.uuid4()))
    error = only_error(refused(csv_bytes(file_rows)))
    assert (error.line, error.column) == (4, "parent_external_id") and "Unknown parent" in error.reason


def test_unknown_unit(file_rows):
    set_cell(file_rows, 5, "owner_unit", "finns-inte")
    error = only_error(refused(csv_bytes(file_rows)))
    assert (error.line, error.column) == (5, "owner_unit") and "finns-inte" in error.reason


def test_bad_level(file_rows):
    set_cell(file_rows, 3, "level", "galaxy")
    error = only_error(refused(csv_bytes(file_rows)))
    assert (error.line, error.column) == (3, "level") and "galaxy" in error.reason


def test_unknown_period(file_rows):
    set_cell(file_rows, 3, "period", "1999-2002")
    error = only_error(refused(csv_bytes(file_rows)))
    assert (error.line, error.column) == (3, "period") and "1999-2002" in error.reason


def test_wrong_period_gets_the_message_of_the_shared_rules(file_rows, rich_tree, next_period):
    # The unit goal on line 5 moved to 2027-2030, under a council goal of 2023-2026 only.
    set_cell(file_rows, 5, "period", next_period.slug)
    error = only_error(refused(csv_bytes(file_rows)))
    goal = Goal(level="unit", period=next_period, owner=rich_tree["first"].owner, title="x")
    with pytest.raises(ValidationError) as expected:
        rules.check_placement(goal, Goal.objects.with_context().get(pk=rich_tree["council"].pk))
    assert (error.line, error.column) == (5, "period")
    assert error.reason == expected.value.messages[0]


def test_a_level_the_hierarchy_refuses_under_its_parent_gets_the_message_of_the_shared_rules(
    file_rows, rich_tree, office
):
    # The council goal on line 4 made a unit goal of the office: its owner fits, its parent (an area) does not.
    set_cell(file_rows, 4, "level", "unit")
    set_cell(file_rows, 4, "owner_unit", office.slug)
    errors = refused(csv_bytes(file_rows))
    goal = Goal(level="unit", period=rich_tree["council"].period, owner=office, title="x")
    with pytest.raises(ValidationError) as expected:
        rules.check_placement(goal, Goal.objects.with_context().get(pk=rich_tree["area"].pk))
    assert expected.value.code == "level_not_under_parent"
    assert [(e.line, e.column, e.reason) for e in errors] == [(4, "level", expected.value.messages[0])], (
        "its children are not judged under a parent refused on its own line"
    )


def test_duplicate_id(file_rows):
    set_cell(file_rows, 6, "external_id", cell(file_rows, 5, "external_id"))
    errors = refused(csv_bytes(file_rows))
    assert (errors[0].line, errors[0].column) == (6, "external_id") and "line 5" in errors[0].reason


def test_broken_encoding(rich_tree, period):
    data = export(period, "csv").decode("utf-8-sig").encode("latin-1", errors="replace")
    error = only_error(refused(data))
    assert error.line == 2 and "UTF-8" in error.reason and error.column.isdigit()


def test_parent_below_its_child_is_refused(file_rows):
    file_rows[2], file_rows[3] = file_rows[3], file_rows[2]
    errors = refused(csv_bytes(file_rows))
    assert errors[0].line == 3 and "line 4" in errors[0].reason


def test_every_bad_row_is_reported_at_once(file_rows):
    set_cell(file_rows, 3, "level", "galaxy")
    set_cell(file_rows, 5, "owner_unit", "finns-inte")
    set_cell(file_rows, 6, "external_id", "not-a-uuid")
    errors = refused(csv_bytes(file_rows))
    assert [(e.line, e.column) for e in errors] == [(3, "level"), (5, "owner_unit"), (6, "external_id")]


def test_line_numbers_count_the_lines_inside_a_quoted_description(file_rows):
    set_cell(file_rows, 3, "description", "Första raden\nandra raden\ntredje raden")
    set_cell(file_rows, 4, "owner_unit", "finns-inte")
    error = only_error(refused(csv_bytes(file_rows)))
    assert error.line == 4 + 2, "the record after a three-line description starts two lines further down"


def test_missing_and_unknown_columns_are_refused(file_rows):
    file_rows[0][file_rows[0].index("owner_unit")] = "owner"
    errors = refused(csv_bytes(file_rows))
    assert {(e.line, e.column) for e in errors} == {(1, "owner"), (1, "owner_unit")}


def test_broken_json_and_a_non_workbook_are_refused(rich_tree, period):
    data = export(period, "json").decode()
    lines = data.split("\n")
    lines[3] = lines[3].replace('"level": ', '"level" ')
    error = only_error(refused("\n".join(lines).encode(), "json"))
    assert error.line == 4 and "JSON" in error.reason
    assert "xlsx" in only_error(refused(b"PK not a zip", "xlsx")).reason


def test_json_errors_name_the_line_of_the_goal(rich_tree, period):
    records = json.loads(export(period, "json"))
    records[2]["owner_unit"] = "finns-inte"
    text = json.dumps(records, indent=2, ensure_ascii=False)
    error = only_error(refused(text.encode(), "json"))
    starts = [number for number, line in enumerate(text.split("\n"), start=1) if line == "  {"]
    assert error.column == "owner_unit" and error.line == starts[2]


def test_xlsx_errors_name_the_sheet_row(rich_tree, period):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export(period, "xlsx")))
    sheet = workbook.active
    sheet.cell(4, exchange.COLUMNS.index("level") + 1, "galaxy")
    out = io.BytesIO()
    workbook.save(out)
    error = only_error(refused(out.getvalue(), "xlsx"))
    assert (error.line, error.column) == (4, "level")


# The commands


def test_export_and_import_commands(rich_tree, period, tmp_path, capsys):
    target = tmp_path / "mål.xlsx"
    call_command("export_goals", "--period", "2023-2026", "--format", "xlsx", "--output", str(target))
    assert target.read_bytes() == export(period, "xlsx")
    Goal.objects.all().delete()
    call_command("import_goals", str(target), "--dry-run")
    assert Goal.objects.count() == 0
    call_command("import_goals", str(target))
    assert "8 new" in capsys.readouterr().out
    assert find_problems() == []


def test_export_command_to_standard_output(rich_tree, capfdbinary):
    call_command("export_goals", "--period", "2023-2026", "--format", "json")
    assert json.loads(capfdbinary.readouterr().out)[0]["level"] == "vision"


def test_errors_are_in_swedish_by_default(file_rows):
    set_cell(file_rows, 5, "owner_unit", "finns-inte")
    with translation.override("sv"):
        error = only_error(refused(csv_bytes(file_rows)))
        assert str(error) == "rad 5, kolumn owner_unit: Okänd enhet ”finns-inte”."


def test_import_command_lists_errors_and_fails(file_rows, tmp_path):
    set_cell(file_rows, 5, "owner_unit", "finns-inte")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(file_rows))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_goals", str(bad), stderr=err)
    assert "bad.csv: line 5, column owner_unit" in err.getvalue()


def test_export_command_refuses_an_unknown_period(db):
    with pytest.raises(CommandError, match="Unknown period"):
        call_command("export_goals", "--period", "1999-2002", "--format", "csv")


def test_import_bumps_the_cached_pages_of_the_periods_it_changed(rich_tree, period, next_period):
    from goals import cache as goal_cache

    data = export(period, "json")
    before = goal_cache.period_version(period.pk), goal_cache.period_version(next_period.pk)
    import_bytes(data, "json")
    assert (goal_cache.period_version(period.pk), goal_cache.period_version(next_period.pk)) == before, (
        "an import that changed nothing leaves the caches alone"
    )
    records = json.loads(data)
    records[1]["title"] = "Klimat och miljö (reviderat)"
    import_bytes(json.dumps(records, ensure_ascii=False).encode(), "json")
    assert goal_cache.period_version(period.pk) != before[0]
    assert goal_cache.period_version(next_period.pk) == before[1]


def test_a_json_file_on_one_line_is_read_and_errors_name_the_goal(rich_tree, period):
    records = json.loads(export(period, "json"))
    assert import_bytes(json.dumps(records).encode(), "json").unchanged == 8
    records[2]["owner_unit"] = "finns-inte"
    error = only_error(refused(json.dumps(records).encode(), "json"))
    assert (error.line, error.record, error.column) == (1, 3, "owner_unit")
    assert str(error).startswith("line 1 (goal 3), column owner_unit: ")


def test_a_csv_saved_by_swedish_excel_with_semicolons_is_read(rich_tree, period):
    import csv

    out = io.StringIO(newline="")
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(csv_rows(export(period, "csv")))
    result = import_bytes(out.getvalue().encode("utf-8-sig"), "csv")
    assert result.unchanged == 8


def test_a_deeply_nested_json_import_is_refused_with_a_clear_error(db):
    """Before: lists in lists 100,000 deep raised RecursionError (a 500)."""
    data = b"[" + b"[" * 100_000 + b"]" * 100_000 + b"]"
    with pytest.raises(FileRefused) as refused:
        exchange.read(data, "json")
    assert "nested too deeply" in str(refused.value.errors[0])


def test_xlsx_export_leaves_out_control_characters_a_workbook_cannot_hold(small_tree, period):
    """Before: a form feed or escape character in a description made openpyxl raise (a 500 on the export)."""
    from openpyxl import load_workbook

    services.goal_update(
        by=system_actor(), goal=small_tree["first"], description="Före\x0cefter\x1b och\ttab"
    )
    data = exchange.write(exchange.export_rows(period), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    descriptions = [row[exchange.COLUMNS.index("description")] for row in sheet.iter_rows(values_only=True)]
    assert "Föreefter och\ttab" in descriptions
