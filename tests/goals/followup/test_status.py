"""The status rules: table-driven, a property over any series, and the SQL annotation agreeing with them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goals.followup.choices import Direction
from goals.followup.models import Indicator
from goals.followup.status import Status, current_status, period_year_and_position, status_by_year, status_of
from tests.goals.followup.conftest import make_indicator

H, L = Direction.HIGHER, Direction.LOWER
MET, NEAR, NOT_MET, NO_DATA = Status.MET, Status.NEAR, Status.NOT_MET, Status.NO_DATA

# value, target, direction, margin %, status
TABLE = [
    (80, 80, H, 10, MET),  # at the target
    (85, 80, H, 10, MET),
    (72, 80, H, 10, NEAR),  # exactly the margin below
    (71.9, 80, H, 10, NOT_MET),
    (79, 80, H, 0, NOT_MET),  # no margin: any miss is not met
    (80, 80, L, 10, MET),
    (70, 80, L, 10, MET),
    (88, 80, L, 10, NEAR),  # exactly the margin above
    (88.1, 80, L, 10, NOT_MET),
    (-9, -10, H, 10, MET),  # negative targets: the margin is of the target's size
    (-11, -10, H, 10, NEAR),
    (-11.1, -10, H, 10, NOT_MET),
    (0, 0, H, 10, MET),
    (-0.1, 0, H, 10, NOT_MET),
    (None, 80, H, 10, NO_DATA),  # no value is no data, never 0
    (80, None, H, 10, NO_DATA),
    (None, None, L, 10, NO_DATA),
]


@pytest.mark.parametrize(("value", "target", "direction", "margin", "expected"), TABLE)
def test_status_table(value, target, direction, margin, expected):
    assert status_of(value, target, direction, margin) == expected


@pytest.mark.parametrize(
    ("label", "year", "before"),
    [
        ("2025-01", 2025, "2025-T1"),
        ("2025-T1", 2025, "2025-05"),
        ("2025-Q4", 2025, "2025-T3"),
        ("2025-T3", 2025, "2025"),
    ],
)
def test_period_labels_sort_within_their_year_with_the_whole_year_last(label, year, before):
    assert period_year_and_position(label)[0] == year
    assert period_year_and_position(label) < period_year_and_position(before)


def test_the_latest_measurement_of_a_year_decides_and_a_missing_value_hides_nothing():
    by_year = status_by_year(
        [("2025-T1", 60.0), ("2025-T2", 79.0), ("2025", None)], {2025: 80.0, 2026: 81.0}, H, 10
    )
    assert by_year[2025].value == 79.0 and by_year[2025].period == "2025-T2"
    assert by_year[2025].status == NEAR
    assert by_year[2026].status == NO_DATA
    assert current_status(by_year).year == 2025
    assert current_status(by_year, last_year=2024) is None


labels = st.builds(
    lambda year, suffix: f"{year}{suffix}",
    st.integers(2015, 2030),
    st.sampled_from(["", "-T1", "-T2", "-T3", "-Q1", "-Q4", "-01", "-06", "-12"]),
)
numbers = st.floats(-1e6, 1e6, allow_nan=False) | st.none()


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.tuples(labels, numbers), max_size=30),
    targets=st.dictionaries(st.integers(2015, 2030), st.floats(-1e6, 1e6, allow_nan=False), max_size=10),
    direction=st.sampled_from([H, L]),
    margin=st.floats(0, 100),
)
def test_any_series_and_targets_give_exactly_one_status_per_year(values, targets, direction, margin):
    by_year = status_by_year(values, targets, direction, margin)
    years = {int(label[:4]) for label, _ in values} | set(targets)
    assert set(by_year) == years
    for year, entry in by_year.items():
        assert entry.year == year and entry.status in Status
        valued = [v for label, v in values if int(label[:4]) == year and v is not None]
        assert (entry.value is None) == (not valued)
        if entry.value is None or entry.target is None:
            assert entry.status == NO_DATA


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "target", "direction", "margin", "expected"), TABLE)
def test_the_sql_annotation_and_the_bulk_read_give_the_same_status_as_the_rule(
    small_tree, value, target, direction, margin, expected
):
    indicator = make_indicator(
        small_tree["first"],
        direction=direction,
        near_margin=margin,
        targets={2024: target} if target is not None else {},
        values=[("2024", value)],
    )
    annotated = Indicator.objects.with_current_status(2023, 2026).get(pk=indicator.pk)
    in_bulk = Indicator.objects.filter(pk=indicator.pk).current_statuses(2023, 2026)[indicator.pk]
    wanted = NO_DATA if value is None else expected
    assert annotated.current_status == wanted
    assert in_bulk == wanted
