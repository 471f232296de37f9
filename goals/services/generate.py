"""A synthetic goal tree of realistic shape, for benchmarks and size tests.

Paths are computed here and rows bulk-inserted: adding 100,000 goals one by
one through treebeard would take many minutes.
"""

import datetime
import random
from dataclasses import dataclass

from goals import permissions
from goals.cache import bump_for
from goals.models import Goal, GoalLevel
from goals.paths import depth_of
from goals.services.child_paths import ChildPaths
from goals.services.tree import goal_create
from vision.actors import write_service
from vision.models import MandatePeriod, Unit, UnitKind
from vision.services import period_save, unit_save

GENERATED_VISION = "Syntetisk vision (genererad testdata)"
# Share of a period's goals at each level below the areas; activities take the rest.
SHARES = {GoalLevel.COUNCIL: 0.004, GoalLevel.COMMITTEE: 0.04, GoalLevel.UNIT: 0.25}
AREAS = ["Arbete och företagande", "Välfärd och valfrihet", "Klimat och miljö", "Trygghet och säkerhet"]


@dataclass
class GeneratedTree:
    periods: list[MandatePeriod]
    vision: Goal
    created: int


def periods_for(count: int, *, by) -> list[MandatePeriod]:
    """The current period (else the latest) and the ones after it, created as needed."""
    periods = list(MandatePeriod.objects.order_by("start"))
    current = MandatePeriod.objects.current_first().first()
    if current is None:
        current = period_save(
            by=by,
            period=MandatePeriod(
                slug="2023-2026",
                name="2023–2026",
                start=datetime.date(2023, 1, 1),
                end=datetime.date(2026, 12, 31),
                is_current=True,
            ),
        )
        periods = [current]
    chosen = [p for p in periods if p.start >= current.start][:count]
    while len(chosen) < count:
        year = chosen[-1].end.year + 1
        slug = f"{year}-{year + 3}"
        chosen.append(
            MandatePeriod.objects.filter(slug=slug).first()
            or period_save(
                by=by,
                period=MandatePeriod(
                    slug=slug,
                    name=f"{year}–{year + 3}",
                    start=datetime.date(year, 1, 1),
                    end=datetime.date(year + 3, 12, 31),
                ),
            )
        )
    return chosen


def generated_units(*, by) -> dict[str, list[Unit]]:
    def unit(slug: str, **fields) -> Unit:
        return Unit.objects.filter(slug=slug).first() or unit_save(by=by, unit=Unit(slug=slug, **fields))

    council = unit("gen-fullmaktige", name="Fullmäktige (genererad)", kind=UnitKind.COUNCIL)
    units = {UnitKind.COUNCIL: [council], UnitKind.COMMITTEE: [], UnitKind.OFFICE: [], UnitKind.COMPANY: []}
    for n in range(1, 11):
        committee = unit(
            f"gen-namnd-{n}", name=f"Nämnd {n} (genererad)", kind=UnitKind.COMMITTEE, parent=council
        )
        office = unit(
            f"gen-kontor-{n}", name=f"Kontor {n} (genererat)", kind=UnitKind.OFFICE, parent=committee
        )
        company = unit(
            f"gen-bolag-{n}", name=f"Bolag {n} AB (genererat)", kind=UnitKind.COMPANY, parent=council
        )
        units[UnitKind.COMMITTEE].append(committee)
        units[UnitKind.OFFICE].append(office)
        units[UnitKind.COMPANY].append(company)
    return units


@write_service
def generate_goals(*, by, goals_per_period: int, periods: int, seed: int = 2035) -> GeneratedTree:
    permissions.check_may_import(by)
    rng = random.Random(seed)
    chosen = periods_for(periods, by=by)
    units = generated_units(by=by)
    vision = Goal.objects.visions().filter(title=GENERATED_VISION).first() or goal_create(
        parent=None, title=GENERATED_VISION, level=GoalLevel.VISION, description="Exempeltext.", by=by
    )
    rows: list[Goal] = []
    paths = ChildPaths([vision.path])

    def add(parent_path: str, **fields) -> str:
        path = paths.next(parent_path)
        rows.append(Goal(path=path, depth=depth_of(path), **fields))
        return path

    for period in chosen:
        count = {level: max(1, int(goals_per_period * share)) for level, share in SHARES.items()}
        count[GoalLevel.ACTIVITY] = max(0, goals_per_period - len(AREAS) - sum(count.values()))
        council = units[UnitKind.COUNCIL][0]
        layer = [
            add(
                vision.path, title=f"{area} {period.slug}", level=GoalLevel.AREA, owner=council, period=period
            )
            for area in AREAS
        ]
        owners = {
            GoalLevel.COUNCIL: [council],
            GoalLevel.COMMITTEE: units[UnitKind.COMMITTEE],
            GoalLevel.UNIT: units[UnitKind.OFFICE] + units[UnitKind.COMPANY],
            GoalLevel.ACTIVITY: units[UnitKind.OFFICE] + units[UnitKind.COMPANY],
        }
        for level in (GoalLevel.COUNCIL, GoalLevel.COMMITTEE, GoalLevel.UNIT, GoalLevel.ACTIVITY):
            parents, layer = layer, []
            for n in range(count[level]):
                # Every parent gets one child first, then the rest are spread at random.
                parent = parents[n] if n < len(parents) else rng.choice(parents)
                layer.append(
                    add(
                        parent,
                        title=f"{level.label.capitalize()} {n + 1} ({period.slug})",
                        description="Exempeltext: genererat mål för prestandamätning.",
                        level=level,
                        owner=rng.choice(owners[level]),
                        period=period,
                    )
                )
            if level == GoalLevel.ACTIVITY or not layer:
                break
    for row in rows:
        row.numchild = paths.numchild_of_new(row.path)
    paths.add_to_stored_parents()
    # No history rows: a synthetic tree of 100,000 goals has no past to keep.
    Goal.objects.bulk_create(rows, batch_size=2000)
    bump_for({(period.pk, None) for period in chosen})
    return GeneratedTree(periods=chosen, vision=vision, created=len(rows))
