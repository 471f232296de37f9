"""Setting up a period's indicators in bulk from a file (import_indicators).

Every row is checked before anything is written; any error refuses the whole
file, each error with its line and column. An indicator is matched by its goal
and title, so the same file twice changes nothing. The goals it changed get one
cache bump for the whole file (goals/cache.py), not one per row.
"""

import contextlib
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goals.cache import one_bump
from goals.exchange.formats import FileRefused, RowError, SourceRow
from goals.followup import rules
from goals.followup.choices import Direction, Source
from goals.followup.exchange.formats import target_years
from goals.followup.models import Indicator, Target
from goals.followup.models.indicators import KPI_ID
from goals.followup.services.indicators import check_may_follow_up, indicator_save, target_set
from goals.models import Goal
from vision.actors import NotAllowed, write_service


@dataclass
class IndicatorImportResult:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    targets_set: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)


@dataclass
class _Planned:
    row: SourceRow
    goal: Goal
    fields: dict
    targets: dict[int, float]


def _plan(header: list[str], rows: list[SourceRow], by) -> list[_Planned]:
    years = target_years(header)
    wanted_ids = set()
    for row in rows:
        with contextlib.suppress(ValueError):
            wanted_ids.add(uuid.UUID(row.values["goal"]))
    goals = {
        str(g.external_id): g for g in Goal.objects.filter(external_id__in=wanted_ids).select_related("owner")
    }
    errors, planned, seen = [], [], {}
    for row in rows:
        values, line = row.values, row.line
        goal = goals.get(values["goal"].lower())
        if goal is None:
            errors.append(
                RowError(line, "goal", _("No goal has the external id “%(id)s”.") % {"id": values["goal"]})
            )
        else:
            try:
                check_may_follow_up(by, goal)
            except NotAllowed as refusal:
                errors.append(RowError(line, "goal", str(refusal)))
        title = values["title"]
        if not title:
            errors.append(RowError(line, "title", _("The title is empty.")))
        elif len(title) > 300:
            errors.append(RowError(line, "title", _("The title is longer than 300 characters.")))
        if len(values["unit"]) > 50:
            errors.append(RowError(line, "unit", _("The unit of measure is longer than 50 characters.")))
        direction = values["direction"].lower()
        if direction not in Direction.values:
            errors.append(RowError(line, "direction", _("The direction is “higher” or “lower”.")))
        kpi = values["kolada_kpi"].upper()
        if kpi:
            try:
                KPI_ID(kpi)
            except ValidationError as error:
                errors.append(RowError(line, "kolada_kpi", " ".join(error.messages)))
        targets = {}
        for column, year in years.items():
            text = values.get(column, "").replace(",", ".").replace("\u2212", "-")
            if not text:
                continue
            try:
                rules.check_year(year)
                targets[year] = rules.check_number(text, required=True)
            except ValidationError as error:
                errors.append(RowError(line, column, " ".join(error.messages)))
        key = (values["goal"].lower(), title)
        if key in seen:
            errors.append(
                RowError(line, "title", _("The same goal and title as line %(line)s.") % {"line": seen[key]})
            )
        seen[key] = line
        if goal is not None:
            fields = {
                "title": title,
                "measure_unit": values["unit"],
                "direction": direction,
                "kolada_kpi": kpi,
                "source": Source.KOLADA if kpi else Source.IMPORT,
            }
            planned.append(_Planned(row, goal, fields, targets))
    if errors:
        raise FileRefused(errors)
    return planned


@write_service
def indicators_import(
    *, header: list[str], rows: list[SourceRow], by, dry_run: bool = False
) -> IndicatorImportResult:
    """Add or update the file's indicators and targets; FileRefused (nothing written) on any error."""
    planned = _plan(header, rows, by)
    result = IndicatorImportResult(dry_run=dry_run)
    existing = {
        (i.goal_id, i.title): i
        for i in Indicator.objects.filter(goal__in=[p.goal for p in planned]).select_related("goal")
    }
    stored_targets = {
        (t.indicator_id, t.year): t.value
        for t in Target.objects.filter(indicator__in=[i.pk for i in existing.values()])
    }
    with one_bump():
        for plan in planned:
            indicator = existing.get((plan.goal.pk, plan.fields["title"]))
            if indicator is None:
                indicator = Indicator(goal=plan.goal, **plan.fields)
                result.added += 1
                if not dry_run:
                    indicator_save(indicator=indicator, by=by)
            elif any(getattr(indicator, name) != value for name, value in plan.fields.items()):
                for name, value in plan.fields.items():
                    setattr(indicator, name, value)
                result.changed += 1
                if not dry_run:
                    indicator_save(indicator=indicator, by=by)
            else:
                result.unchanged += 1
            for year, value in plan.targets.items():
                if indicator.pk is not None and stored_targets.get((indicator.pk, year)) == value:
                    continue
                result.targets_set += 1
                if not dry_run:
                    target_set(indicator=indicator, year=year, value=value, by=by)
    return result
