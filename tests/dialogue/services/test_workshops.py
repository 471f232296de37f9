"""The workshop services: the unit's members only, on the unit it has and the unit it gets; the unit's own goals."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dialogue import services
from dialogue.models import Workshop
from tests.dialogue.conftest import member
from tests.factories import GoalFactory, UserFactory
from vision.models import UnitRole


def new_workshop(unit, **fields) -> Workshop:
    values = {"held_on": datetime.date(2025, 1, 1), "facilitator": "F", "important": "I", "actions": "A"}
    return Workshop(unit=unit, **{**values, **fields})


def stored(workshop, pk=None) -> tuple:
    row = Workshop.objects.get(pk=pk or workshop.pk)
    return row.unit_id, row.important, sorted(row.goals.values_list("pk", flat=True))


def test_the_service_refuses_foreign_goals_and_outsiders(small_tree, office, council):
    editor = member(office, UnitRole.EDITOR)
    workshop = Workshop(
        unit=office, held_on=datetime.date(2025, 1, 1), facilitator="F", important="I", actions="A"
    )
    with pytest.raises(ValidationError, match="its own unit's goals"):
        services.workshop_save(workshop=workshop, goals=[small_tree["council"]], by=editor)
    with pytest.raises(PermissionDenied):
        services.workshop_save(workshop=workshop, goals=[], by=UserFactory())
    assert Workshop.objects.count() == 0


def test_a_member_records_a_workshop_as_its_recorder_and_in_its_history(small_tree, office):
    viewer = member(office, UnitRole.VIEWER)
    workshop = services.workshop_save(workshop=new_workshop(office), goals=[small_tree["first"]], by=viewer)
    assert workshop.recorded_by == viewer
    assert {record.history_user for record in workshop.history.all()} == {viewer}


def test_the_system_actor_records_for_any_unit(small_tree, office, system):
    workshop = services.workshop_save(workshop=new_workshop(office), goals=[small_tree["first"]], by=system)
    assert (workshop.recorded_by, workshop.history.first().history_user) == (system, system)


def test_an_editor_cannot_take_another_units_workshop_into_their_own(office, other_office, editor, system):
    theirs = services.workshop_save(workshop=new_workshop(other_office), goals=[], by=system)
    before = stored(theirs)
    theirs.unit = office
    theirs.important = "Nu vår"
    with pytest.raises(PermissionDenied):
        services.workshop_save(workshop=theirs, goals=[], by=editor)
    assert stored(theirs) == before


def test_an_editor_cannot_hand_their_workshop_to_another_unit(office, other_office, editor):
    ours = services.workshop_save(workshop=new_workshop(office), goals=[], by=editor)
    ours.unit = other_office
    with pytest.raises(PermissionDenied):
        services.workshop_save(workshop=ours, goals=[], by=editor)
    assert stored(ours)[0] == office.pk


def history_of(workshop, pk=None):
    return list(Workshop.history.filter(id=pk or workshop.pk).order_by("history_date", "history_id"))


def test_revert_puts_back_the_old_values_and_goals_and_records_who_reverted(small_tree, office, editor):
    first, second = small_tree["first"], small_tree["second"]
    workshop = services.workshop_save(
        workshop=new_workshop(office, important="Först"), goals=[first], by=editor
    )
    version = history_of(workshop)[-1]
    workshop.important = "Sedan"
    services.workshop_save(workshop=workshop, goals=[second], by=editor)
    assert stored(workshop) == (office.pk, "Sedan", [second.pk])

    reverter = member(office, UnitRole.VIEWER)
    services.workshop_revert(record=version, by=reverter)
    assert stored(workshop) == (office.pk, "Först", [first.pk])
    assert history_of(workshop)[-1].history_user == reverter


def moved(workshop, unit, by):
    workshop.unit = unit
    return services.workshop_save(workshop=workshop, goals=[], by=by)


def test_an_editor_cannot_revert_a_workshop_that_now_belongs_to_another_unit(
    office, other_office, editor, system
):
    workshop = services.workshop_save(workshop=new_workshop(office), goals=[], by=system)
    ours = history_of(workshop)[-1]
    moved(workshop, other_office, system)
    before = stored(workshop)
    with pytest.raises(PermissionDenied):
        services.workshop_revert_check(record=ours, by=editor)
    with pytest.raises(PermissionDenied):
        services.workshop_revert(record=ours, by=editor)
    assert stored(workshop) == before


def test_an_editor_cannot_revert_to_a_version_of_another_unit(office, other_office, editor, system):
    workshop = services.workshop_save(workshop=new_workshop(other_office), goals=[], by=system)
    theirs = history_of(workshop)[-1]
    moved(workshop, office, system)
    before = stored(workshop)
    with pytest.raises(PermissionDenied):
        services.workshop_revert(record=theirs, by=editor)
    assert stored(workshop) == before
    services.workshop_revert(record=theirs, by=system)
    assert stored(workshop)[0] == other_office.pk


def test_a_version_whose_goals_now_belong_to_another_unit_is_not_written_back(
    small_tree, office, other_office, period, editor
):
    goal = GoalFactory(parent=small_tree["council"], level="unit", owner=office, period=period)
    workshop = services.workshop_save(workshop=new_workshop(office), goals=[goal], by=editor)
    version = history_of(workshop)[-1]
    services.workshop_save(workshop=workshop, goals=[], by=editor)
    type(goal).objects.filter(pk=goal.pk).update(owner=other_office)
    with pytest.raises(ValidationError, match="its own unit's goals"):
        services.workshop_revert(record=version, by=editor)
    assert stored(workshop)[2] == []


def test_an_administrator_restores_a_deleted_workshop(small_tree, office, admin_user):
    workshop = services.workshop_save(
        workshop=new_workshop(office, important="Borta"), goals=[small_tree["first"]], by=admin_user
    )
    pk, version = workshop.pk, history_of(workshop)[-1]
    services.workshop_delete(workshop=workshop, by=admin_user)
    assert not Workshop.objects.exists()
    services.workshop_revert(record=version, by=admin_user)
    assert stored(workshop, pk) == (office.pk, "Borta", [small_tree["first"].pk])


def test_delete_is_refused_outside_the_unit_and_recorded_inside_it(
    office, other_office, editor, other_editor
):
    workshop = services.workshop_save(workshop=new_workshop(office), goals=[], by=editor)
    with pytest.raises(PermissionDenied):
        services.workshop_delete(workshop=workshop, by=other_editor)
    assert Workshop.objects.filter(pk=workshop.pk).exists()
    pk = workshop.pk
    services.workshop_delete(workshop=workshop, by=editor)
    assert not Workshop.objects.exists()
    deleted = history_of(workshop, pk)[-1]
    assert (deleted.history_type, deleted.history_user) == ("-", editor)
