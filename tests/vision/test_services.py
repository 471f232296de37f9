"""The frame's services: administrators only, the models' rules, one transaction, history by the actor."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from goals.cache import period_version
from tests.factories import UnitFactory, UserFactory
from vision import services
from vision.actors import NotAllowed, system_actor
from vision.models import MandatePeriod, Unit, UnitMembership, UnitRole

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def administrator(db):
    return UserFactory(username="chef", is_staff=True, is_superuser=True)


@pytest.fixture
def world(period, next_period, council, office, other_office, editor):
    return SimpleNamespace(
        period=period,
        next_period=next_period,
        council=council,
        office=office,
        other_office=other_office,
        editor=editor,
        membership=UnitMembership.objects.get(user=editor, unit=office),
        person=UserFactory(username="kajsa"),
    )


def _renamed(obj, name):
    obj.name = name
    return obj


def _moved(membership, unit):
    membership.unit = unit
    return membership


# name -> (the write, the model whose history it adds to)
WRITES = {
    "period_save adds": (
        lambda by, w: services.period_save(
            by=by,
            period=MandatePeriod(
                slug="2031-2034", name="2031–2034", start=date(2031, 1, 1), end=date(2034, 12, 31)
            ),
        ),
        MandatePeriod,
    ),
    "period_save changes": (
        lambda by, w: services.period_save(by=by, period=_renamed(w.next_period, "Nästa")),
        MandatePeriod,
    ),
    "period_delete": (lambda by, w: services.period_delete(by=by, period=w.next_period), MandatePeriod),
    "unit_save adds": (
        lambda by, w: services.unit_save(by=by, unit=Unit(slug="ny-enhet", name="Ny enhet", kind="office")),
        Unit,
    ),
    "unit_save changes": (
        lambda by, w: services.unit_save(by=by, unit=_renamed(w.office, "Skolkontoret")),
        Unit,
    ),
    "unit_delete": (lambda by, w: services.unit_delete(by=by, unit=w.other_office), Unit),
    "membership_grant": (
        lambda by, w: services.membership_grant(by=by, user=w.person, unit=w.office, role=UnitRole.EDITOR),
        UnitMembership,
    ),
    "membership_revoke": (
        lambda by, w: services.membership_revoke(by=by, user=w.editor, unit=w.office),
        UnitMembership,
    ),
    "membership_save": (
        lambda by, w: services.membership_save(by=by, membership=_moved(w.membership, w.other_office)),
        UnitMembership,
    ),
    "membership_delete": (
        lambda by, w: services.membership_delete(by=by, membership=w.membership),
        UnitMembership,
    ),
}


def written() -> tuple:
    """Everything the services could have written: the rows, their history, the editor's account."""
    return (
        list(MandatePeriod.objects.order_by("pk").values()),
        list(Unit.objects.order_by("pk").values()),
        list(UnitMembership.objects.order_by("pk").values()),
        MandatePeriod.history.count(),
        Unit.history.count(),
        UnitMembership.history.count(),
        list(UserFactory._meta.model.objects.order_by("pk").values("username", "is_staff", "is_superuser")),
    )


@pytest.fixture(params=["editor", "reader", "former administrator"])
def non_administrator(request, world):
    if request.param == "editor":
        return world.editor
    if request.param == "reader":
        return UserFactory(username="lasare")
    # A superuser whose account was switched off is not an administrator any more.
    return UserFactory(username="f-d-chef", is_staff=True, is_superuser=True, is_active=False)


@pytest.mark.parametrize("write", WRITES)
def test_every_service_refuses_anyone_but_an_administrator_and_writes_nothing(
    world, non_administrator, write
):
    act, _model = WRITES[write]
    before = written()
    with pytest.raises(NotAllowed) as refusal:
        act(non_administrator, world)
    assert "Only an administrator" in str(refusal.value)
    assert written() == before


@pytest.mark.parametrize("write", WRITES)
def test_every_service_writes_for_an_administrator_with_history_by_them(world, administrator, write):
    act, model = WRITES[write]
    before = model.history.count()
    act(administrator, world)
    assert model.history.count() > before
    assert model.history.latest("history_id").history_user == administrator


@pytest.mark.parametrize("write", WRITES)
def test_services_take_the_acting_user_as_a_keyword(world, write):
    act, _model = WRITES[write]
    with pytest.raises(TypeError, match="by="):
        act(None, world)


def test_making_a_period_current_unmarks_the_current_one_in_the_same_call(world, administrator):
    world.next_period.is_current = True
    services.period_save(by=administrator, period=world.next_period)

    world.period.refresh_from_db()
    assert not world.period.is_current
    assert MandatePeriod.objects.current() == world.next_period
    assert [p.history_user for p in (world.period.history.first(), world.next_period.history.first())] == [
        administrator,
        administrator,
    ]
    assert world.period.history.first().is_current is False


def test_a_refused_period_leaves_the_current_one_marked(world, administrator):
    """The un-marking and the save are one transaction: a rule refusing the save undoes both."""
    before = written()
    world.next_period.is_current = True
    world.next_period.start = date(2026, 6, 1)  # overlaps the current period
    with pytest.raises(ValidationError, match="overlaps"):
        services.period_save(by=administrator, period=world.next_period)
    assert written() == before
    assert MandatePeriod.objects.current() == world.period


def test_a_period_goals_are_dated_by_is_not_deleted(small_tree, administrator):
    period = small_tree["area"].period
    with pytest.raises(ValidationError) as refusal:
        services.period_delete(by=administrator, period=period)
    assert refusal.value.code == "protected"
    assert "goals" in refusal.value.messages[0]
    assert MandatePeriod.objects.filter(pk=period.pk).exists()


def test_a_unit_is_never_placed_under_its_own_sub_unit(world, administrator):
    world.office.parent = world.council
    services.unit_save(by=administrator, unit=world.office)
    world.council.parent = world.office
    with pytest.raises(ValidationError) as refusal:
        services.unit_save(by=administrator, unit=world.council)
    assert "parent" in refusal.value.message_dict
    assert Unit.objects.get(pk=world.council.pk).parent is None


def test_a_unit_deleted_meanwhile_is_not_saved_back(world, administrator):
    stale = Unit.objects.get(pk=world.other_office.pk)
    services.unit_delete(by=administrator, unit=world.other_office)
    stale.name = "Åter"
    with pytest.raises(ValidationError) as refusal:
        services.unit_save(by=administrator, unit=stale)
    assert refusal.value.code == "deleted"
    assert not Unit.objects.filter(pk=stale.pk).exists()


def test_deleting_a_unit_takes_its_memberships_and_the_editor_rights_they_gave(world, administrator):
    services.unit_delete(by=administrator, unit=world.office)
    assert not UnitMembership.objects.filter(user=world.editor).exists()
    world.editor.refresh_from_db()
    assert not world.editor.is_staff
    record = UnitMembership.history.latest("history_id")
    assert (record.history_type, record.history_user) == ("-", administrator)


def test_a_unit_that_owns_goals_is_not_deleted(small_tree, administrator):
    owner = small_tree["first"].owner
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.unit_delete(by=administrator, unit=owner)
    assert Unit.objects.filter(pk=owner.pk).exists()


def test_moving_a_membership_gives_and_takes_the_editor_rights(world, administrator):
    """A membership handed to another user: the new one gets the admin rights, the old one loses them."""
    world.membership.user = world.person
    services.membership_save(by=administrator, membership=world.membership)
    world.editor.refresh_from_db()
    world.person.refresh_from_db()
    assert world.person.is_staff and not world.editor.is_staff


def test_granting_the_same_role_again_writes_no_history(world):
    before = UnitMembership.history.count()
    services.membership_grant(by=system_actor(), user=world.editor, unit=world.office, role=UnitRole.EDITOR)
    assert UnitMembership.history.count() == before


def test_the_system_actor_writes_and_is_named_in_the_history(world):
    services.membership_grant(by=system_actor(), user=world.person, unit=world.office, role=UnitRole.VIEWER)
    assert UnitMembership.history.latest("history_id").history_user.username == "system"


def test_a_unit_saved_through_the_service_starts_the_cached_pages_afresh(world, administrator):
    """The goal pages show unit names: the cache listens to the save the service makes."""
    before = period_version(world.period.pk)
    services.unit_save(by=administrator, unit=_renamed(world.office, "Skolkontoret"))
    assert period_version(world.period.pk) != before


def test_a_new_unit_of_an_unknown_kind_is_refused(administrator):
    with pytest.raises(ValidationError) as refusal:
        services.unit_save(by=administrator, unit=Unit(slug="x", name="X", kind="club"))
    assert "kind" in refusal.value.message_dict
    assert not Unit.objects.filter(slug="x").exists()


def test_a_unit_deleted_with_sub_units_is_refused(administrator):
    parent = UnitFactory(slug="moder", kind="council")
    UnitFactory(slug="dotter", parent=parent)
    with pytest.raises(ValidationError, match="units"):
        services.unit_delete(by=administrator, unit=parent)
    assert Unit.objects.filter(pk=parent.pk).exists()
