"""Every writer of what a cached page shows bumps its version: the page shows the write at once.

Each test renders the cached page (the goal page, the public goal page, the tree)
before the write, writes through the service and renders again. The goal writers
that tests/goals/test_cache.py already follows onto a page (update, create, move,
link add) are not repeated here.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from dialogue.services import workshop_delete, workshop_revert, workshop_save
from goals import cache as goal_cache
from goals import services
from goals.followup.choices import Direction, Source
from goals.followup.kolada.client import KpiData, KpiValue
from goals.followup.models import Indicator, Measurement, Target
from goals.followup.services import (
    indicator_delete,
    indicator_save,
    kolada_apply,
    measurement_delete,
    measurement_record,
    round_lock,
    round_publish,
    round_reopen,
    target_delete,
    target_set,
)
from goals.models import Goal
from tests.factories import GoalFactory, WorkshopFactory
from tests.goals.followup.rounds_support import assess, make_round
from vision.actors import system_actor
from vision.services import period_save, unit_save

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def tree(small_tree, settings):
    """small_tree, every goal decided, so the public site shows it too."""
    settings.PUBLIC_SITE = True
    for goal in small_tree.values():
        services.goal_update(
            by=system_actor(), goal=goal, decided_by="Kommunfullmäktige", decided_on="2023-01-31"
        )
    return {name: Goal.objects.get(pk=goal.pk) for name, goal in small_tree.items()}


def goal_page(client, goal) -> str:
    response = client.get(f"/goals/{goal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def public_page(goal) -> str:
    response = Client().get(f"/public/goals/{goal.pk}/?lang=en")
    assert response.status_code == 200
    return response.content.decode()


def both_pages(client, goal) -> str:
    return goal_page(client, goal) + public_page(goal)


def new_indicator(goal, title="Andel solpaneler", **fields) -> Indicator:
    return indicator_save(
        indicator=Indicator(goal=goal, title=title, measure_unit="%", direction=Direction.HIGHER, **fields),
        by=system_actor(),
    )


@pytest.fixture
def bumps(monkeypatch):
    """The period sets bumped, one entry per bump (the one repeated after commit is never run in a test)."""
    made = []
    real = goal_cache.bump_period_versions

    def spy(period_ids):
        made.append(set(period_ids))
        real(period_ids)

    monkeypatch.setattr(goal_cache, "bump_period_versions", spy)
    return made


# --- goal writers ---


def test_retiring_a_goal_shows_on_its_page(reader, tree):
    assert "status-retired" not in goal_page(reader, tree["first"])
    services.goal_retire(by=system_actor(), goal=tree["first"])
    assert "status-retired" in goal_page(reader, tree["first"])


def test_deleting_a_goal_takes_it_off_its_parents_page(reader, tree, period, office):
    extra = services.goal_create(
        by=system_actor(),
        parent=tree["council"],
        title="Tillfälligt mål",
        level="unit",
        owner=office,
        period=period,
    )
    assert "Tillfälligt mål" in goal_page(reader, tree["council"])
    services.goal_delete(by=system_actor(), goal=extra)
    assert "Tillfälligt mål" not in goal_page(reader, tree["council"])


def test_a_timeless_goal_shows_a_sub_goal_added_in_any_period(reader, tree, next_period, council):
    assert "Område senare" not in goal_page(reader, tree["vision"])
    GoalFactory(parent=tree["vision"], level="area", owner=council, period=next_period, title="Område senare")
    assert "Område senare" in goal_page(reader, tree["vision"])


def test_removing_a_link_shows_on_both_goals_pages(reader, tree, period, council):
    elsewhere = GoalFactory(
        parent=tree["area"], level="council", owner=council, period=period, title="Annat mål"
    )
    services.goal_link_add(by=system_actor(), source=tree["first"], target=elsewhere)
    assert "Solpaneler på skolor" in goal_page(reader, elsewhere)
    assert "Annat mål" in goal_page(reader, tree["first"])
    services.goal_link_remove(by=system_actor(), source=tree["first"], target=elsewhere)
    assert "Solpaneler på skolor" not in goal_page(reader, elsewhere)
    assert "Annat mål" not in goal_page(reader, tree["first"])


def test_carrying_a_period_over_shows_the_successor(reader, tree, period, next_period):
    assert "Successor" not in goal_page(reader, tree["first"])
    services.period_carry_over(by=system_actor(), source=period, target=next_period)
    html = goal_page(reader, tree["first"])
    assert "Successor" in html and "2027–2030" in html


def test_a_goal_import_shows_on_the_goal_page(reader, tree, period):
    from goals.exchange import formats as exchange
    from goals.services import goals_import

    assert "Solceller på skolor" not in both_pages(reader, tree["first"])
    data = exchange.write(exchange.export_rows(period), "json")
    renamed = data.replace("Solpaneler på skolor".encode(), "Solceller på skolor".encode())
    goals_import(by=system_actor(), rows=exchange.read(renamed, "json"))
    assert both_pages(reader, tree["first"]).count("Solceller på skolor") >= 2


def test_check_tree_fix_shows_the_repaired_goal_on_the_tree(reader, tree):
    url = "/goals/?period=2023-2026"
    assert "En klimatsmart kommun" in reader.get(url).content.decode()
    # A wrong depth, as an old tree has them, hides the goal from the tree's upper levels.
    Goal.objects.filter(pk=tree["council"].pk).update(depth=9)
    goal_cache.bump_period_versions([None])
    assert "En klimatsmart kommun" not in reader.get(url).content.decode()
    call_command("check_tree", "--fix", stdout=StringIO())
    assert "En klimatsmart kommun" in reader.get(url).content.decode()


def test_generated_goals_show_on_the_tree(reader, tree, period):
    from goals.services.generate import generate_goals

    generate_goals(by=system_actor(), goals_per_period=20, periods=1)
    url = f"/goals/?period={period.slug}"
    before = reader.get(url).content.decode().count(f"({period.slug})")
    generate_goals(by=system_actor(), goals_per_period=20, periods=1)
    assert reader.get(url).content.decode().count(f"({period.slug})") > before


def test_renaming_a_unit_shows_on_the_goal_pages(reader, tree, office):
    assert "Utbildningsförvaltningen" not in both_pages(reader, tree["first"])
    office.name = "Utbildningsförvaltningen"
    unit_save(by=system_actor(), unit=office)
    assert both_pages(reader, tree["first"]).count("Utbildningsförvaltningen") >= 2


def test_renaming_a_period_shows_on_the_goal_pages(reader, tree, period):
    assert "Mandatperiod 2023" not in both_pages(reader, tree["first"])
    period.name = "Mandatperiod 2023"
    period_save(by=system_actor(), period=period)
    assert both_pages(reader, tree["first"]).count("Mandatperiod 2023") >= 2


# --- follow-up writers: indicators, targets, measurements, Kolada, the indicator import ---


def test_adding_changing_moving_and_deleting_an_indicator_shows_on_the_goal_pages(reader, tree):
    first, second = tree["first"], tree["second"]
    assert "Andel solpaneler" not in both_pages(reader, first)
    indicator = new_indicator(first)
    assert both_pages(reader, first).count("Andel solpaneler") >= 2

    indicator.title = "Andel skolor med solpaneler"
    indicator_save(indicator=indicator, by=system_actor())
    assert both_pages(reader, first).count("Andel skolor med solpaneler") >= 2

    assert "Andel skolor med solpaneler" not in both_pages(reader, second)
    indicator.goal = second
    indicator_save(indicator=indicator, by=system_actor())
    assert "Andel skolor med solpaneler" not in both_pages(reader, first)
    assert both_pages(reader, second).count("Andel skolor med solpaneler") >= 2

    indicator_delete(indicator=indicator, by=system_actor())
    assert "Andel skolor med solpaneler" not in both_pages(reader, second)


def test_setting_and_deleting_a_target_shows_on_the_goal_pages(reader, tree):
    indicator = new_indicator(tree["first"])
    measurement_record(indicator=indicator, period="2024", value=61.0, by=system_actor())
    assert "87.5" not in both_pages(reader, tree["first"])
    target_set(indicator=indicator, year=2024, value=87.5, by=system_actor())
    assert "87.5" in goal_page(reader, tree["first"])
    assert "2024: 87.5" in public_page(tree["first"])
    target_delete(target=Target.objects.get(indicator=indicator, year=2024), by=system_actor())
    assert "87.5" not in both_pages(reader, tree["first"])


def test_recording_and_deleting_a_measurement_shows_on_the_goal_pages(reader, tree):
    indicator = new_indicator(tree["first"])
    assert "61.25" not in both_pages(reader, tree["first"])
    measurement_record(indicator=indicator, period="2024", value=61.25, by=system_actor())
    assert "61.25" in goal_page(reader, tree["first"])
    assert "61.25" in public_page(tree["first"])
    measurement_delete(measurement=Measurement.objects.get(indicator=indicator), by=system_actor())
    assert "61.25" not in both_pages(reader, tree["first"])


def test_a_kolada_sync_shows_on_the_goal_pages_with_one_bump(reader, tree, period, bumps):
    for goal in (tree["first"], tree["second"]):
        new_indicator(goal, title=f"Sysselsättning {goal.pk}", source=Source.KOLADA, kolada_kpi="N00914")
    assert "Förvärvsarbetande invånare" not in goal_page(reader, tree["first"])
    assert "77.25" not in public_page(tree["second"])
    bumps.clear()
    data = KpiData(
        kpi="N00914",
        title="Förvärvsarbetande invånare 20–64 år",
        description="Andel förvärvsarbetande.",
        values=[KpiValue(period=2023, gender="T", value=76.5, status=""), KpiValue(2024, "T", 77.25, "")],
    )
    kolada_apply(data=data, by=system_actor())
    assert bumps == [{period.pk}]  # one bump for the key figure, not one per indicator or value
    assert "Förvärvsarbetande invånare 20–64 år" in goal_page(reader, tree["first"])
    assert "77.25" in public_page(tree["second"])

    bumps.clear()
    kolada_apply(data=data, by=system_actor())
    assert bumps == []  # nothing written, nothing bumped


def test_an_indicator_import_shows_on_the_goal_pages_with_one_bump(reader, tree, period, tmp_path, bumps):
    first, second = tree["first"].external_id, tree["second"].external_id
    path = tmp_path / "indikatorer.csv"
    path.write_text(
        "goal,title,unit,direction,kolada_kpi,target_2025,target_2026\n"
        f"{first},Importerad indikator,%,higher,,40,50\n{second},Annan importerad,%,higher,,77.5,78\n",
        encoding="utf-8",
    )
    assert "Importerad indikator" not in both_pages(reader, tree["first"])
    assert "Annan importerad" not in both_pages(reader, tree["second"])
    bumps.clear()
    call_command("import_indicators", str(path), stdout=StringIO())
    assert bumps == [{period.pk}]  # one bump for the file, not one per row or target
    assert both_pages(reader, tree["first"]).count("Importerad indikator") >= 2
    assert both_pages(reader, tree["second"]).count("Annan importerad") >= 2


def test_the_indicator_list_shows_a_new_indicator_and_measurement(reader, tree, period):
    url = f"/indicators/?period={period.slug}"
    assert "Andel solpaneler" not in reader.get(url).content.decode()
    indicator = new_indicator(tree["first"])
    assert "Andel solpaneler" in reader.get(url).content.decode()
    measurement_record(indicator=indicator, period="2024", value=61.25, by=system_actor())
    assert "61.25" in reader.get(url).content.decode()


# --- rounds: only a published round's assessments are shown, so publishing bumps every period ---


def test_an_assessment_shows_on_the_goal_pages_once_its_round_is_published(reader, tree, period):
    round_ = make_round(period, year=2025)
    assess(round_, tree["first"], "met", analysis="Alla skolor har fått solpaneler.")
    for write in (round_lock, round_reopen, round_lock):
        # Open and locked rounds are drafts: no cached page shows them, before or after.
        round_ = write(round=round_, by=system_actor())
        assert "Alla skolor har fått solpaneler." not in both_pages(reader, tree["first"])
    round_publish(round=round_, by=system_actor())
    html = goal_page(reader, tree["first"])
    assert "Latest published assessment" in html and "Alla skolor har fått solpaneler." in html
    assert "Alla skolor har fått solpaneler." in public_page(tree["first"])


def test_the_dashboard_counts_an_assessment_at_once(reader, tree, period):
    round_ = make_round(period, year=2025)
    url = f"/followup/{round_.pk}/"

    def assessed() -> int:
        response = reader.get(url)
        assert response.status_code == 200
        return int(re.search(r"(\d+) of \d+ goals assessed", response.content.decode()).group(1))

    before = assessed()
    assess(round_, tree["first"], "met")
    assert assessed() == before + 1


def test_publishing_a_round_bumps_every_period(tree, period, bumps):
    round_ = make_round(period, year=2025, state="locked")
    bumps.clear()
    round_publish(round=round_, by=system_actor())
    assert any(None in ids or goal_cache.EVERY_PERIOD in ids for ids in bumps)


# --- workshops ---


def test_recording_correcting_withdrawing_and_restoring_a_workshop_shows_on_the_goal_page(
    reader, tree, office
):
    first, second = tree["first"], tree["second"]
    assert "Solpaneler på taken" not in goal_page(reader, first)
    workshop = WorkshopFactory(unit=office, goals=[first], important="Solpaneler på taken")
    assert "Solpaneler på taken" in goal_page(reader, first)
    recorded = workshop.history.order_by("history_date", "history_id").last()

    workshop.important = "Solpaneler och batterier"
    workshop_save(workshop=workshop, goals=[second], by=system_actor())
    assert 'id="workshops-h"' not in goal_page(reader, first)
    assert "Solpaneler och batterier" in goal_page(reader, second)

    workshop_delete(workshop=workshop, by=system_actor())
    assert 'id="workshops-h"' not in goal_page(reader, second)

    workshop_revert(record=recorded, by=system_actor())
    assert "Solpaneler på taken" in goal_page(reader, first)
    assert 'id="workshops-h"' not in goal_page(reader, second)
