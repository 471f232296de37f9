"""Every write to goals and links. Each service is keyword-only, one transaction,
takes the acting user (``by``) and checks the rules (goals.rules) and the rights
(goals.permissions) itself; the admin, pages, API, imports and commands call
these and nothing else."""

from goals.services.carry_over import CarryOverResult, Relinking, period_carry_over
from goals.services.generate import generate_goals
from goals.services.imports import ImportResult, goals_import
from goals.services.links import goal_link_add, goal_link_remove
from goals.services.tree import (
    EDITABLE_FIELDS,
    goal_create,
    goal_delete,
    goal_deletion_refusal,
    goal_insert,
    goal_move,
    goal_retire,
    goal_update,
    goal_version_conflict,
)

__all__ = [
    "EDITABLE_FIELDS",
    "CarryOverResult",
    "ImportResult",
    "Relinking",
    "generate_goals",
    "goal_create",
    "goal_delete",
    "goal_deletion_refusal",
    "goal_insert",
    "goal_link_add",
    "goal_link_remove",
    "goal_move",
    "goal_retire",
    "goal_update",
    "goal_version_conflict",
    "goals_import",
    "period_carry_over",
]
