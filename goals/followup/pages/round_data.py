"""What the round pages show, read in a fixed number of grouped queries (or from the frozen
snapshot of a published round, so its pages keep showing the record as it was published)."""

from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q
from django.db.models.functions import Substr
from django.utils import timezone

from goals.followup.models import AssessmentStatus, FollowUpRound
from goals.followup.rollup import SCORED, round_goals
from goals.models import Goal

STATUS_ORDER = [s.value for s in AssessmentStatus]


@dataclass
class UnitProgress:
    slug: str
    name: str
    total: int
    assessed: int

    @property
    def percent(self) -> int:
        return round(100 * self.assessed / self.total) if self.total else 100

    @property
    def complete(self) -> bool:
        return self.assessed >= self.total


@dataclass
class AreaStatus:
    title: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def ordered(self) -> list[tuple[str, int]]:
        return [(status, self.counts.get(status, 0)) for status in STATUS_ORDER]


@dataclass
class Dashboard:
    units: list[UnitProgress]
    areas: list[AreaStatus]
    late: list[UnitProgress]
    total: int
    assessed: int


def _with_round(queryset, round_: FollowUpRound):
    return queryset.annotate(
        this_round=FilteredRelation("assessments", condition=Q(assessments__round=round_))
    )


def unit_progress(round_: FollowUpRound) -> list[UnitProgress]:
    rows = (
        _with_round(round_goals(round_).filter(owner__isnull=False), round_)
        .order_by()
        .values("owner__slug", "owner__name")
        .annotate(total=Count("pk"), assessed=Count("pk", filter=Q(this_round__status__in=SCORED)))
        .order_by("owner__name")
    )
    return [UnitProgress(r["owner__slug"], r["owner__name"], r["total"], r["assessed"]) for r in rows]


def area_statuses(round_: FollowUpRound) -> list[AreaStatus]:
    """How the goals below each goal area are assessed: counts per status (two queries)."""
    length = 2 * Goal.steplen
    areas = {
        g.path: AreaStatus(g.title)
        for g in round_goals(round_).filter(depth=2).only("path", "title").order_by("path")
    }
    rows = (
        _with_round(round_goals(round_).filter(depth__gt=2), round_)
        .annotate(area=Substr("path", 1, length))
        .order_by()
        .values("area", "this_round__status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        if row["area"] in areas:
            status = row["this_round__status"] or AssessmentStatus.NOT_ASSESSED
            counts = areas[row["area"]].counts
            counts[status] = counts.get(status, 0) + row["n"]
    return list(areas.values())


def dashboard(round_: FollowUpRound, today=None) -> Dashboard:
    if round_.is_published and round_.snapshot is not None:
        return dashboard_from_snapshot(round_.snapshot, round_.due, today)
    units = unit_progress(round_)
    return _assemble(units, area_statuses(round_), round_.due, today)


def _assemble(units, areas, due, today) -> Dashboard:
    today = today or timezone.localdate()
    late = [u for u in units if not u.complete] if today > due else []
    return Dashboard(units, areas, late, sum(u.total for u in units), sum(u.assessed for u in units))


def _status(row) -> str:
    return row["assessment"]["status"] if row["assessment"] else AssessmentStatus.NOT_ASSESSED


def dashboard_from_snapshot(snapshot: dict, due, today=None) -> Dashboard:
    units: dict[str, UnitProgress] = {}
    areas: dict[int, AreaStatus] = {}
    area_of: dict[int, int] = {}
    for row in snapshot["goals"]:
        if row["depth"] == 2:
            areas[row["id"]] = AreaStatus(row["title"])
            area_of[row["id"]] = row["id"]
        elif row["parent"] in area_of:
            area_of[row["id"]] = area_of[row["parent"]]
            counts = areas[area_of[row["id"]]].counts
            counts[_status(row)] = counts.get(_status(row), 0) + 1
        if row["unit"]:
            unit = units.setdefault(
                row["unit"]["slug"], UnitProgress(row["unit"]["slug"], row["unit"]["name"], 0, 0)
            )
            unit.total += 1
            unit.assessed += _status(row) in SCORED
    ordered = sorted(units.values(), key=lambda u: u.name)
    return _assemble(ordered, list(areas.values()), due, today)
