import pytest

from goals.followup.choices import Direction, Source
from goals.followup.models import Indicator
from goals.followup.services import indicator_save, measurement_record, target_set
from vision.actors import system_actor


def make_indicator(goal, *, title="Andel elever med godkända betyg (%)", targets=None, values=(), **fields):
    by = system_actor()
    indicator = indicator_save(
        indicator=Indicator(
            goal=goal, title=title, **{"measure_unit": "%", "direction": Direction.HIGHER, **fields}
        ),
        by=by,
    )
    for year, value in (targets or {}).items():
        target_set(indicator=indicator, year=year, value=value, by=by)
    for period, value in values:
        measurement_record(indicator=indicator, period=period, value=value, by=by)
    return indicator


@pytest.fixture
def indicator(small_tree):
    """An indicator of a goal owned by the office (whose editor is the ``editor`` fixture)."""
    return make_indicator(
        small_tree["first"], targets={2023: 80.0, 2024: 82.0}, values=[("2023", 79.0), ("2024", 70.0)]
    )


@pytest.fixture
def kolada_indicator(small_tree):
    return make_indicator(
        small_tree["second"],
        title="Förvärvsarbetande invånare 20–64 år, andel (%)",
        source=Source.KOLADA,
        kolada_kpi="N00914",
        targets={2023: 76.5},
    )
