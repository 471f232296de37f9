import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from goals.models import Goal, GoalLevel, GoalStatus
from goals.tree_check import find_problems
from vision.models import MandatePeriod, Unit, UnitMembership


@pytest.fixture
def demo(db):
    call_command("load_demo", "--password", "test-losen-1", verbosity=0)


def test_load_demo_builds_the_norrkoping_structure(demo):
    """The demo has the new vision as current root, Vision 2035 retired, the real goal areas and units."""
    current = MandatePeriod.objects.current()
    assert current.slug == "2023-2026"
    visions = {g.title: g.status for g in Goal.objects.visions()}
    assert visions == {"Vision 2035": GoalStatus.RETIRED, "NORRKÖPING tar plats": GoalStatus.ACTIVE}
    areas = set(
        Goal.objects.valid_in(current).at_level(GoalLevel.AREA).active().values_list("title", flat=True)
    )
    assert areas == {
        "Arbete och företagande",
        "Välfärd och valfrihet",
        "Klimat och miljö",
        "Trygghet och säkerhet",
    }
    assert Goal.objects.valid_in(current).at_level(GoalLevel.COUNCIL).count() == 6
    assert Unit.objects.filter(kind="office").count() >= 4
    offices_with_goals = Unit.objects.filter(kind="office", goals__level=GoalLevel.UNIT).distinct().count()
    companies_with_goals = Unit.objects.filter(kind="company", goals__level=GoalLevel.UNIT).distinct().count()
    assert offices_with_goals >= 4 and companies_with_goals >= 2
    assert Unit.objects.get(slug="nodra").parent.slug == "norrkoping-radhus-ab"
    assert find_problems() == []


def test_load_demo_marks_invented_text_as_sample(demo):
    vision = Goal.objects.visions().get(title="NORRKÖPING tar plats")
    assert vision.description.startswith("Exempeltext")
    assert (
        Goal.objects.filter(level=GoalLevel.UNIT).exclude(description__startswith="Exempeltext").count() == 0
    )


def test_load_demo_carries_goals_into_the_next_period_with_lineage(demo):
    later = MandatePeriod.objects.get(slug="2027-2030")
    carried = Goal.objects.valid_in(later).filter(predecessor__isnull=False)
    assert carried.count() >= 10
    assert Goal.objects.valid_in(later).needing_relinking().exists()
    revised = Goal.objects.get(title="Det ska vara tryggt och säkert i hela Norrköpings kommun")
    assert revised.predecessor.title == "Det ska vara tryggt och säkert i Norrköpings kommun"


def test_load_demo_is_idempotent(demo):
    counts = (Goal.objects.count(), Unit.objects.count(), get_user_model().objects.count())
    call_command("load_demo", "--password", "test-losen-1", verbosity=0)
    assert (Goal.objects.count(), Unit.objects.count(), get_user_model().objects.count()) == counts


def test_load_demo_creates_accounts_with_roles(demo, client):
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("test-losen-1")
    membership = UnitMembership.objects.get(user__username="redaktor")
    assert membership.role == "editor" and membership.unit.slug == "utbildningskontoret"
    assert not get_user_model().objects.get(username="lasare").is_staff


def test_load_demo_refuses_default_accounts_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--password"):
        call_command("load_demo", verbosity=0)
    assert not get_user_model().objects.exists()
    call_command("load_demo", "--password", "s3cret-långt", verbosity=0)
    assert get_user_model().objects.get(username="admin").check_password("s3cret-långt")


def test_generate_goals_builds_a_realistic_sound_tree(db):
    call_command("generate_goals", "--goals", "500", "--periods", "2", verbosity=0)
    periods = list(MandatePeriod.objects.order_by("start"))
    assert len(periods) == 2
    for period in periods:
        goals = Goal.objects.valid_in(period).exclude(level=GoalLevel.VISION)
        assert 480 <= goals.count() <= 520
        levels = set(goals.values_list("level", flat=True))
        assert levels == {"area", "council", "committee", "unit", "activity"}
    assert find_problems() == []


def test_generate_goals_twice_adds_under_the_same_vision(db):
    call_command("generate_goals", "--goals", "100", verbosity=0)
    call_command("generate_goals", "--goals", "100", verbosity=0)
    assert Goal.objects.visions().count() == 1
    assert find_problems() == []


def test_generate_goals_refuses_tiny_sizes(db):
    with pytest.raises(CommandError):
        call_command("generate_goals", "--goals", "1")
