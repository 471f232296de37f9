"""Contribution links: a goal contributes to further goals besides its tree parent."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from goals import permissions, rules
from goals.cache import bump_for, spans_of
from goals.models import Goal, GoalLink
from goals.services.locks import fresh
from vision.actors import write_service


@write_service
def goal_link_add(*, by, source: Goal, target: Goal) -> GoalLink:
    """Record that ``source`` also contributes to ``target``."""
    source, target = fresh(source), fresh(target)
    permissions.check_may_change(by, source)
    rules.check_link(source, target)
    if GoalLink.objects.filter(source=source, target=target).exists():
        raise ValidationError(
            _("“%(source)s” already contributes to “%(target)s”.")
            % {"source": source.title, "target": target.title},
            code="link_exists",
        )
    bump_for(spans_of([source, target]))
    return GoalLink.objects.create(source=source, target=target)


@write_service
def goal_link_remove(*, by, source: Goal, target: Goal) -> None:
    """Record that ``source`` no longer contributes to ``target``."""
    source, target = fresh(source), fresh(target)
    permissions.check_may_change(by, source)
    deleted, _per_model = GoalLink.objects.filter(source=source, target=target).delete()
    if deleted:
        bump_for(spans_of([source, target]))
