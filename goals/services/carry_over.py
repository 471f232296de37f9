"""Carrying a mandate period's goals into the next one, with lineage."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from goals import permissions, rules
from goals.cache import bump_for
from goals.models import Goal, GoalLevel, GoalLink, GoalStatus
from goals.paths import depth_of, parent_path, root_path
from goals.services.child_paths import ChildPaths
from goals.services.locks import INSERT_BATCH, lock_tree
from vision.actors import write_service
from vision.models import MandatePeriod, Unit


@dataclass
class Relinking:
    goal: Goal
    placed_under_title: str


@dataclass
class CarryOverResult:
    source: MandatePeriod
    target: MandatePeriod
    dry_run: bool
    created: int = 0
    already_carried: int = 0
    links_created: int = 0
    links_dropped: int = 0
    per_unit: Counter = field(default_factory=Counter)
    relinking: list[Relinking] = field(default_factory=list)
    successors: dict[int, Goal] = field(default_factory=dict)
    by: object = None


@dataclass
class _Node:
    """What carry-over needs to know of a goal valid in the source period."""

    goal: Goal
    image_path: str | None = None  # where its counterpart sits in the target period
    image_id: int | None = None
    new: Goal | None = None
    is_candidate: bool = False


@write_service
def period_carry_over(
    *,
    by,
    source: MandatePeriod,
    target: MandatePeriod,
    unit: Unit | None = None,
    dry_run: bool = False,
) -> CarryOverResult:
    """Copy the active goals of ``source`` (or of one unit) into ``target``.

    Each copy points at its predecessor and sits under its parent's
    counterpart in the target period; where the parent has none, under the
    nearest ancestor that has one, flagged as needing re-linking. Goals already
    carried, or valid in both periods, are left alone, so a second run adds
    nothing.
    """
    permissions.check_may_carry_over(by)
    if target.start <= source.start:
        raise ValidationError(
            _("Goals are carried forward: %(target)s does not come after %(source)s.")
            % {"target": target, "source": source},
            code="carry_backwards",
        )
    if not dry_run:
        lock_tree(exclusive=True)
    result = CarryOverResult(source=source, target=target, dry_run=dry_run, by=by)

    rows = (
        Goal.objects.valid_in(source)
        .select_related("owner", "period", "until_period", "successor__period", "successor__until_period")
        .order_by("path")
    )
    nodes: dict[str, _Node] = {}
    candidates: list[_Node] = []
    for goal in rows:
        node = nodes[goal.path] = _Node(goal)
        successor = getattr(goal, "successor", None)
        if goal.is_valid_in(target):
            if goal.is_active:
                node.image_path, node.image_id = goal.path, goal.pk
        elif successor is not None:
            if unit is None or goal.owner_id == unit.pk:
                result.already_carried += 1
            # A successor retired since, or placed in a later period, cannot take children now.
            if successor.is_valid_in(target) and successor.is_active:
                node.image_path, node.image_id = successor.path, successor.pk
        elif goal.is_active and goal.level != GoalLevel.VISION and (unit is None or goal.owner_id == unit.pk):
            node.is_candidate = True
            candidates.append(node)

    anchors = [_anchor_for(node, nodes, target) for node in candidates]
    paths = ChildPaths(anchor.image_path for anchor in anchors if not anchor.is_candidate)
    for node, anchor in zip(candidates, anchors, strict=True):
        goal = node.goal
        relink = anchor is not nodes[parent_path(goal.path)]
        if relink:
            result.relinking.append(Relinking(goal=goal, placed_under_title=anchor.goal.title))
        node.image_path = paths.next(anchor.image_path)
        node.new = Goal(
            path=node.image_path,
            depth=depth_of(node.image_path),
            numchild=0,
            title=goal.title,
            description=goal.description,
            level=goal.level,
            status=GoalStatus.ACTIVE,
            owner=goal.owner,
            period=target,
            until_period=None,
            decided_by=goal.decided_by,
            decided_on=goal.decided_on,
            case_number=goal.case_number,
            predecessor=goal,
            needs_relinking=relink,
        )
        result.per_unit[goal.owner.name] += 1
    result.created = len(candidates)
    if dry_run or not candidates:
        return result

    for node in candidates:
        node.new.numchild = paths.numchild_of_new(node.image_path)
    paths.add_to_stored_parents()
    created = bulk_create_with_history(
        [n.new for n in candidates], Goal, batch_size=INSERT_BATCH, default_user=by
    )
    for node, goal in zip(candidates, created, strict=True):
        node.image_id = goal.pk
        result.successors[node.goal.pk] = goal
    _carry_links(result, nodes, candidates)
    bump_for({(source.pk, None), (target.pk, None)})  # the source's goals now show successors
    return result


def _anchor_for(node: _Node, nodes: dict[str, _Node], target: MandatePeriod) -> _Node:
    """The nearest ancestor that has, or is about to get, a counterpart in the target period
    and that the goal's level may sit under (rules.HIERARCHY)."""
    allowed = rules.parent_levels(node.goal.level)
    path = parent_path(node.goal.path)
    while path:
        ancestor = nodes[path]
        if (ancestor.image_path is not None or ancestor.is_candidate) and ancestor.goal.level in allowed:
            return ancestor
        path = parent_path(path)
    if nodes[root_path(node.goal.path)].image_path is None:
        raise ValidationError(
            _("No vision is valid in %(target)s: add or extend one before carrying goals over.")
            % {"target": target},
            code="no_vision",
        )
    raise ValidationError(
        _(
            "“%(goal)s” cannot be carried over: nothing it may sit under is valid in %(target)s. Carry over “%(parent)s” first."
        )
        % {
            "goal": node.goal.title,
            "target": target,
            "parent": nodes[parent_path(node.goal.path)].goal.title,
        },
        code="no_parent_in_target",
    )


def _carry_links(result: CarryOverResult, nodes: dict[str, _Node], candidates: list[_Node]) -> None:
    """Copy the contribution links between goals that have counterparts in the target period.

    A link is carried when its source is carried now, or when its target is
    carried now and its source was carried earlier (unit by unit), so carrying
    units one at a time links the same as carrying the whole period at once.
    """
    carried_now = {node.goal.pk for node in candidates}
    image_of = {node.goal.pk: node.image_id for node in nodes.values() if node.image_id is not None}
    links = GoalLink.objects.filter(source__in=Goal.objects.valid_in(result.source).values("pk")).values_list(
        "source_id", "target_id"
    )
    new_pairs = set()
    for source_id, target_id in links:
        if source_id not in carried_now and target_id not in carried_now:
            continue
        source_image, target_image = image_of.get(source_id), image_of.get(target_id)
        if source_image is None or target_image is None or source_image == source_id:
            if source_id in carried_now:
                result.links_dropped += 1
            continue
        new_pairs.add((source_image, target_image))
    new_links = [GoalLink(source_id=source, target_id=target) for source, target in sorted(new_pairs)]
    if new_links:
        bulk_create_with_history(new_links, GoalLink, batch_size=INSERT_BATCH, default_user=result.by)
    result.links_created = len(new_links)
