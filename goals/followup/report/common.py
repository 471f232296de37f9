"""What both report formats need: the snapshot's goals as a tree and the words for statuses."""

from dataclasses import dataclass, field

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from goals.followup.models import AssessmentStatus, RoundKind
from goals.followup.status import Status


@dataclass
class Node:
    row: dict
    children: list["Node"] = field(default_factory=list)


def tree_of(snapshot: dict) -> list[Node]:
    """The snapshot's goals (in path order) as nodes; the roots are those whose parent is not in it."""
    nodes = {row["id"]: Node(row) for row in snapshot["goals"]}
    roots = []
    for row in snapshot["goals"]:
        parent = nodes.get(row["parent"])
        (parent.children if parent else roots).append(nodes[row["id"]])
    return roots


def descendants(node: Node):
    for child in node.children:
        yield child
        yield from descendants(child)


def status_word(value: str | None) -> str:
    status = AssessmentStatus(value) if value in AssessmentStatus.values else AssessmentStatus.NOT_ASSESSED
    return capfirst(str(status.label))


def assessment_word(row: dict) -> str:
    return status_word(row["assessment"]["status"] if row["assessment"] else None)


def indicator_status_word(value: str | None) -> str:
    return capfirst(str(Status(value).label if value in Status.values else Status.NO_DATA.label))


def suggestion_text(row: dict) -> str:
    suggestion = row.get("suggestion")
    if not suggestion:
        return ""
    return _("%(status)s (%(assessed)d of %(total)d assessed)") % {
        "status": status_word(suggestion["status"]),
        "assessed": suggestion["assessed"],
        "total": suggestion["total"],
    }


def round_title(snapshot: dict) -> str:
    info = snapshot["round"]
    return f"{RoundKind(info['kind']).label} {info['year']}".capitalize()


def number(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}".replace(".", ",")
