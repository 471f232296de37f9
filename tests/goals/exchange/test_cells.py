"""Cells a spreadsheet would run: one rule (goals.exchange.cells) for every CSV and xlsx the app
writes, undone exactly on import; and every download's Content-Disposition built by Django."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.http import content_disposition_header
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from goals.exchange import formats as exchange
from goals.exchange.cells import TRIGGERS, neutralised, restored
from goals.models import Goal
from goals.services import goals_import
from tests.factories import GoalFactory, UnitFactory, UserFactory
from vision.actors import system_actor

HOSTILE = [
    '=HYPERLINK("http://example.org";"Klicka")',
    "+46 11 15 00 00",
    "-5 % koldioxid",
    "@SUMMA(A1:A2)",
    "\tInledande tabb",
    "\rInledande vagnretur",
    "'=redan citerad",
    "''@två citattecken",
    "'vanligt citat",
    "'",
    "Vanlig titel med = mitt i",
]


# The rule


@pytest.mark.parametrize("first", sorted(TRIGGERS))
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(first):
    assert neutralised(first + "1+1") == "'" + first + "1+1"
    assert restored("'" + first + "1+1") == first + "1+1"


def test_the_triggers_are_owasps_list():
    assert set("=+-@\t\r") == TRIGGERS


@pytest.mark.parametrize("text", ["Vanlig titel", "", " =med inledande blanksteg", "'citat", "'", "12"])
def test_harmless_text_is_written_as_it_is(text):
    assert neutralised(text) == text
    assert restored(text) == text


def test_apostrophes_in_front_of_a_formula_get_one_more_and_lose_exactly_one():
    assert neutralised("'=x") == "''=x"
    assert restored("''=x") == "'=x"
    assert restored("'=x") == "=x", "a typed apostrophe-formula reads as the text a spreadsheet shows"


@pytest.mark.parametrize("value", [None, 5, -5, 2.5])
def test_anything_but_text_passes_unchanged(value):
    assert neutralised(value) == value


@given(st.text())
def test_every_text_survives_the_round_trip(text):
    assert restored(neutralised(text)) == text


@given(st.text())
def test_no_neutralised_text_starts_with_a_trigger(text):
    assert neutralised(text)[:1] not in TRIGGERS


# The goal files


@pytest.fixture
def hostile_tree(small_tree, period, office):
    for title in HOSTILE:
        GoalFactory(
            parent=small_tree["council"],
            level="unit",
            owner=office,
            period=period,
            title=title,
            description=title,
        )
    return small_tree


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_hostile_titles_survive_a_round_trip_byte_for_byte(hostile_tree, period, fmt):
    first = exchange.write(exchange.export_rows(period), fmt)
    Goal.objects.all().delete()
    result = goals_import(by=system_actor(), rows=exchange.read(first, fmt))
    assert result.created == 5 + len(HOSTILE)
    titles = set(Goal.objects.values_list("title", flat=True))
    assert set(HOSTILE) <= titles
    assert set(Goal.objects.values_list("description", flat=True)) >= set(HOSTILE)
    assert exchange.write(exchange.export_rows(period), fmt) == first


def test_the_csv_export_writes_no_cell_a_spreadsheet_would_run(hostile_tree, period):
    data = exchange.write(exchange.export_rows(period), "csv")
    records = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    cells = [value for record in records for value in record]
    assert not [value for value in cells if value[:1] in TRIGGERS]
    title = records[0].index("title")
    assert '\'=HYPERLINK("http://example.org";"Klicka")' in [record[title] for record in records]
    assert "''=redan citerad" in [record[title] for record in records]


def test_the_xlsx_export_holds_text_and_no_formula(hostile_tree, period):
    data = exchange.write(exchange.export_rows(period), "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells)
    assert not [cell.value for cell in cells if str(cell.value)[:1] in TRIGGERS]
    assert "'+46 11 15 00 00" in [cell.value for cell in cells]


def test_json_carries_the_text_as_it_is(hostile_tree, period):
    data = exchange.write(exchange.export_rows(period), "json")
    titles = [row.values["title"] for row in exchange.read(data, "json")]
    assert '=HYPERLINK("http://example.org";"Klicka")' in titles
    assert "'vanligt citat" in titles, "JSON is not neutralised, so its import strips nothing"


# Every download the goals app answers


@pytest.fixture
def reader(client, db):
    client.force_login(UserFactory(username="lasare"))
    return client


def test_the_coverage_csv_neutralises_unit_names(reader, small_tree, period):
    GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=UnitFactory(name="=Ond enhet", slug="ond", kind="office"),
        period=period,
    )
    GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=UnitFactory(name="\tTabbad enhet", slug="tabbad", kind="office"),
        period=period,
    )
    response = reader.get(reverse("goals:period-coverage", args=[period.slug]), {"format": "csv"})
    assert response.status_code == 200
    records = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    names = [record[0] for record in records[1:]]
    assert "'=Ond enhet" in names and "'\tTabbad enhet" in names
    assert response["Content-Disposition"] == content_disposition_header(True, f"coverage-{period.slug}.csv")


def test_the_red_thread_xlsx_neutralises_titles(reader, small_tree, period, office):
    GoalFactory(parent=small_tree["council"], level="unit", owner=office, period=period, title="@Ond titel")
    response = reader.get(reverse("goals:report-red-thread"), {"unit": office.slug, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'@Ond titel" in titles
    assert not [cell for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_download_names_keep_swedish_letters(reader, small_tree, period):
    unit = UnitFactory(name="Förskoleförvaltningen", slug="förskola", kind="office")
    GoalFactory(parent=small_tree["council"], level="unit", owner=unit, period=period)
    response = reader.get(reverse("goals:report-red-thread"), {"unit": unit.slug, "format": "xlsx"})
    expected = content_disposition_header(True, f"red-thread-{period.slug}-förskola.xlsx")
    assert response["Content-Disposition"] == expected
    assert "filename*=utf-8''red-thread-2023-2026-f%C3%B6rskola.xlsx" in expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_admin_export_names_its_file_with_djangos_header(admin_client, small_tree, period, fmt):
    response = admin_client.get(reverse("admin:goals_goal_export"), {"period": period.pk, "format": fmt})
    assert response.status_code == 200
    assert response["Content-Disposition"] == content_disposition_header(True, f"goals-{period.slug}.{fmt}")
