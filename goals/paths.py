"""Materialized-path arithmetic: a path is its parent's path plus a step of
Goal.steplen characters. Pure functions of the strings; no queries."""

from goals.models import Goal


def parent_path(path: str) -> str:
    """The path of the goal's tree parent; empty for a vision."""
    return path[: -Goal.steplen]


def root_path(path: str) -> str:
    """The path of the vision at the top of ``path``'s tree."""
    return path[: Goal.steplen]


def depth_of(path: str) -> int:
    return len(path) // Goal.steplen


def is_within(path: str, ancestor_path: str) -> bool:
    """Whether ``path`` is ``ancestor_path`` or lies below it."""
    return path.startswith(ancestor_path)


def ancestor_paths(path: str, inclusive: bool = False) -> list[str]:
    """The paths above ``path``, from the root down (ending with ``path`` itself when inclusive)."""
    stop = len(path) + (Goal.steplen if inclusive else 0)
    return [path[:end] for end in range(Goal.steplen, stop, Goal.steplen)]


def child_path(parent: str, position: int) -> str:
    """The path of the child at ``position`` under ``parent``; a vision's for an empty parent."""
    return Goal._get_path(parent, depth_of(parent) + 1, position)


def position_of(path: str) -> int:
    return Goal._str2int(path[-Goal.steplen :])
