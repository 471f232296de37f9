"""goals.pages.reports: the red-thread report (printable page and xlsx) of a period or a unit."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from goals.models import Goal
from goals.services.generate import generate_goals
from vision.actors import system_actor

REPORT = reverse("goals:report-red-thread")


def test_period_report_lists_every_goal_in_tree_order(reader, small_tree):
    response = reader.get(REPORT, {"period": "2023-2026"})
    html = response.content.decode()
    assert response.status_code == 200
    titles = ["NORRKÖPING tar plats", "Klimat och miljö", "En klimatsmart kommun", "Solpaneler", "Cykelbara"]
    positions = [html.index(title) for title in titles]
    assert positions == sorted(positions)
    assert 'class="indent-3"' in html


def test_unit_report_shows_its_goals_under_their_red_thread(reader, small_tree, office):
    html = reader.get(REPORT, {"unit": office.slug}).content.decode()
    assert "Solpaneler på skolor" in html and "Cykelbara skolvägar" in html
    # The chain up to the vision is there, marked as context.
    assert html.count('class="context"') == 3
    assert html.index("NORRKÖPING tar plats") < html.index("En klimatsmart kommun") < html.index("Solpaneler")


def test_unit_report_as_xlsx_carries_the_red_thread(reader, small_tree, office):
    response = reader.get(REPORT, {"unit": office.slug, "format": "xlsx"})
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="red-thread-2023-2026-utbildningskontoret.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows] == [
        "NORRKÖPING tar plats",
        "Klimat och miljö",
        "En klimatsmart kommun",
        "Solpaneler på skolor",
        "Cykelbara skolvägar",
    ]
    assert rows[3][9] == "NORRKÖPING tar plats › Klimat och miljö › En klimatsmart kommun"
    assert [row[-1] is not None for row in rows] == [True, True, True, False, False], "context rows marked"


def test_unknown_period_or_unit_is_404(reader, small_tree):
    assert reader.get(REPORT, {"period": "1999-2002"}).status_code == 404
    assert reader.get(REPORT, {"unit": "finns-inte"}).status_code == 404


def test_report_is_behind_login(client, small_tree):
    response = client.get(REPORT)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("size", [40, 400])
def test_report_queries_do_not_grow_with_goals(reader, size, django_assert_max_num_queries):
    tree = generate_goals(by=system_actor(), goals_per_period=size, periods=1)
    unit = Goal.objects.exclude(owner=None).order_by("-depth").first().owner
    with django_assert_max_num_queries(8):
        assert reader.get(REPORT, {"period": tree.periods[0].slug}).status_code == 200
    with django_assert_max_num_queries(8):
        assert reader.get(REPORT, {"unit": unit.slug, "format": "xlsx"}).status_code == 200
