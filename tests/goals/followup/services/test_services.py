"""The follow-up services: rights as for the goal, rules, and idempotent writes."""

import pytest
from django.core.exceptions import ValidationError

from goals.followup.models import Indicator, Measurement, Target
from goals.followup.services import indicator_save, measurement_record, target_set
from tests.factories import UnitFactory, UserFactory
from vision.actors import NotAllowed, system_actor
from vision.models import UnitRole
from vision.services import membership_grant


def test_the_editor_of_the_goals_unit_writes_its_indicator(indicator, editor):
    measurement, written = measurement_record(indicator=indicator, period="2025-T1", value=75.0, by=editor)
    assert written and measurement.year == 2025 and measurement.history.latest().history_user == editor
    target_set(indicator=indicator, year=2025, value=84.0, by=editor)
    assert Target.objects.get(indicator=indicator, year=2025).value == 84.0


@pytest.mark.parametrize("who", ["other unit's editor", "reader"])
def test_anyone_else_is_refused_and_nothing_changes(indicator, who):
    user = UserFactory(username="someone", is_staff=True)
    if who == "other unit's editor":
        unit = UnitFactory(slug="socialkontoret", kind="office")
        membership_grant(by=system_actor(), user=user, unit=unit, role=UnitRole.EDITOR)
    before = (
        list(Measurement.objects.values_list("period", "value")),
        list(Target.objects.values_list("year", "value")),
    )
    with pytest.raises(NotAllowed):
        measurement_record(indicator=indicator, period="2025", value=1.0, by=user)
    with pytest.raises(NotAllowed):
        target_set(indicator=indicator, year=2025, value=1.0, by=user)
    indicator.title = "Kapad"
    with pytest.raises(NotAllowed):
        indicator_save(indicator=indicator, by=user)
    assert Indicator.objects.get(pk=indicator.pk).title != "Kapad"
    assert before == (
        list(Measurement.objects.values_list("period", "value")),
        list(Target.objects.values_list("year", "value")),
    )


def test_an_editor_cannot_move_an_indicator_to_another_units_goal(indicator, editor, small_tree):
    indicator.goal = small_tree["council"]  # owned by the council
    with pytest.raises(NotAllowed):
        indicator_save(indicator=indicator, by=editor)


@pytest.mark.parametrize(
    ("label", "value", "field"),
    [
        ("2025-13", 1.0, "period"),
        ("25", 1.0, "period"),
        ("2025", "lots", "value"),
        ("2025", float("nan"), "value"),
    ],
)
def test_bad_values_are_refused_by_field(indicator, label, value, field):
    with pytest.raises(ValidationError) as refused:
        measurement_record(indicator=indicator, period=label, value=value, by=system_actor())
    assert field in refused.value.message_dict


def test_the_same_value_twice_writes_nothing(indicator):
    rows = Measurement.history.count()
    _m, written = measurement_record(indicator=indicator, period="2024", value=70.0, by=system_actor())
    assert not written and Measurement.history.count() == rows
