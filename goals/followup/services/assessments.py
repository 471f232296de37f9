"""Writes to assessments: one per goal and round, by the goal's unit's editors and administrators,
only while the round is open, with optimistic locking on ``version`` as for goals."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from goals import cache as goal_cache
from goals import permissions
from goals.followup.models import Assessment, AssessmentStatus, FollowUpRound, RoundState
from goals.followup.rollup import round_goals
from goals.models import Goal
from vision.actors import NotAllowed, write_service

MAX_TEXT = 20_000
COMPARED_FIELDS = ("status", "analysis", "next_steps", "weight")


class AssessmentConflict(ValidationError):
    """A save on a stale version: says who changed what, and carries the stored assessment."""

    def __init__(self, message: str, *, current: Assessment, changed: list[str]):
        super().__init__(message, code="edit_conflict")
        self.current = current
        self.changed = changed


def may_assess(user, goal: Goal) -> bool:
    return permissions.can_edit_goal(user, goal)


def check_may_assess(user, goal: Goal) -> None:
    if not may_assess(user, goal):
        raise NotAllowed(
            _("“%(goal)s” belongs to %(unit)s: only its editors and administrators may assess it.")
            % {"goal": goal.title, "unit": goal.owner or "–"}
        )


def check_round_open(round_: FollowUpRound) -> None:
    if round_.state != RoundState.OPEN:
        raise ValidationError(
            _("The round is %(state)s: its assessments can no longer be changed.")
            % {"state": round_.get_state_display()},
            code="round_closed",
        )


def _user_name(user) -> str:
    if user is None:
        return _("an unknown user")
    return user.get_full_name() or user.get_username()


def conflict(stored: Assessment, loaded_version: int) -> AssessmentConflict:
    history = stored.history.order_by("history_date", "history_id")
    baseline = history.filter(version__lte=loaded_version).last() if loaded_version else None
    later = list(history.filter(version__gt=loaded_version).select_related("history_user"))
    changed = [
        name
        for name in COMPARED_FIELDS
        if baseline is None or getattr(baseline, name) != getattr(stored, name)
    ]
    parts = [
        _(
            "Someone else saved this assessment while you were editing it, so your changes were not saved "
            "(you loaded version %(loaded)d, it is now at version %(current)d)."
        )
        % {"loaded": loaded_version, "current": stored.version}
    ]
    if later:
        who = ", ".join(sorted({_user_name(record.history_user) for record in later}))
        when = date_format(timezone.localtime(later[-1].history_date), "SHORT_DATETIME_FORMAT")
        parts.append(_("Changed by %(who)s, last at %(when)s.") % {"who": who, "when": when})
    if changed:
        labels = [str(Assessment._meta.get_field(name).verbose_name) for name in changed]
        parts.append(_("Changed meanwhile: %(fields)s.") % {"fields": ", ".join(labels)})
    parts.append(_("Read the saved text below, then make your changes again."))
    return AssessmentConflict(" ".join(parts), current=stored, changed=changed)


def _round_held_open(round_: FollowUpRound) -> FollowUpRound:
    """The round as stored, held so that no lock, reopen or publish happens until the caller's
    transaction ends, while other saves in the round go on at the same time.

    On PostgreSQL a SHARE lock on the round's row: the state changes take FOR UPDATE
    (rounds._locked), so they wait for saves in flight and saves wait for them, but saves
    never wait for each other. Django has no FOR SHARE, hence the SQL. The round is read
    after the lock is granted, so its state is the one a waited-for change committed.
    Elsewhere FOR UPDATE where the database has it (SQLite serialises writers anyway).
    """
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        table, key = FollowUpRound._meta.db_table, FollowUpRound._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {quote(table)} WHERE {quote(key)} = %s FOR SHARE", [round_.pk])
        return FollowUpRound.objects.select_related("period").get(pk=round_.pk)
    return FollowUpRound.objects.select_for_update().select_related("period").get(pk=round_.pk)


def _clean_text(value, field: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_TEXT}})
    return value


@write_service
def assessment_save(
    *,
    round: FollowUpRound,
    goal: Goal,
    status: str,
    analysis: str = "",
    next_steps: str = "",
    version: int | None = None,
    weight: int | None = None,
    by,
) -> Assessment:
    """Save the goal's assessment in the round.

    ``version`` is the one the editor loaded (0 for a goal not yet assessed);
    a stale one is refused with what changed (AssessmentConflict). The round is
    held first (shared with other saves, exclusive of a lock or publish), so no save
    slips past a state change; the assessment's own row is locked for the version check.
    """
    stored_round = _round_held_open(round)
    goal = Goal.objects.select_related("owner").get(pk=goal.pk)
    check_may_assess(by, goal)
    check_round_open(stored_round)
    if not round_goals(stored_round).filter(pk=goal.pk).exists():
        raise ValidationError(_("“%(goal)s” is not followed up in this round.") % {"goal": goal.title})
    if status not in AssessmentStatus.values:
        raise ValidationError({"status": _("Choose met, partly met, not met or not assessed.")})
    analysis = _clean_text(analysis, "analysis")
    next_steps = _clean_text(next_steps, "next_steps")
    if weight is not None and (
        isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100
    ):
        raise ValidationError({"weight": _("The weight is a whole number from 1 to 100.")})

    # Only the assessment's row: the model's ordering would join (and so lock) the round and goal.
    stored = (
        Assessment.objects.select_for_update(of=("self",))
        .filter(round=stored_round, goal=goal)
        .order_by()
        .first()
    )
    if stored is None:
        if version not in (None, 0):
            raise ValidationError(
                _("This assessment does not exist any more; reload the page."), code="edit_conflict"
            )
        assessment = Assessment(round=stored_round, goal=goal, version=1)
    else:
        if version is not None and stored.version != version:
            raise conflict(stored, version)
        assessment = stored
        assessment.version += 1
    assessment.status = status
    assessment.analysis = analysis
    assessment.next_steps = next_steps
    if weight is not None:
        assessment.weight = weight
    assessment.author = by if getattr(by, "pk", None) else None
    # Not the constraints: one assessment per goal and round is the database's to enforce (a
    # first save that loses the race to another is a conflict, below), the weight is checked above.
    assessment.full_clean(validate_unique=False, validate_constraints=False)
    if stored is None:
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            # Someone created it between our read and write: their save wins, ours is stale.
            raise conflict(Assessment.objects.get(round=stored_round, goal=goal), 0) from None
    else:
        assessment.save()
    # The round's live pages (its dashboard) count it; no goal page shows it until publishing.
    goal_cache.bump_round(stored_round.pk)
    return assessment
