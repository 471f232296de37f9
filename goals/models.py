import uuid

from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from vision.models import MandatePeriod, Unit


class GoalLevel(models.TextChoices):
    VISION = "vision", _("vision")
    AREA = "area", _("goal area")
    COUNCIL = "council", _("council goal")
    COMMITTEE = "committee", _("committee goal")
    UNIT = "unit", _("unit goal")
    ACTIVITY = "activity", _("activity")

    @property
    def rank(self) -> int:
        return LEVEL_RANK[self.value]


LEVEL_RANK = {level: rank for rank, level in enumerate(GoalLevel.values)}


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    RETIRED = "retired", _("retired")


class GoalQuerySet(MP_NodeQuerySet):
    def valid_in_q(self, period: MandatePeriod) -> Q:
        # A vision without a period is timeless: it spans every period.
        timeless = Q(period__isnull=True)
        single = Q(period=period, until_period__isnull=True)
        span = Q(period__start__lte=period.start, until_period__start__gte=period.start)
        return timeless | single | span

    def valid_in(self, period: MandatePeriod):
        return self.filter(self.valid_in_q(period))

    def not_valid_in(self, period: MandatePeriod):
        return self.exclude(self.valid_in_q(period))

    def owned_by(self, unit: Unit):
        return self.filter(owner=unit)

    def at_level(self, level: str):
        return self.filter(level=level)

    def active(self):
        return self.filter(status=GoalStatus.ACTIVE)

    def retired(self):
        return self.filter(status=GoalStatus.RETIRED)

    def visions(self):
        return self.filter(depth=1)

    def needing_relinking(self):
        return self.filter(needs_relinking=True)

    def descendant_of_q(self, goal: "Goal", inclusive: bool = False) -> Q:
        q = Q(path__startswith=goal.path)
        return q if inclusive else q & Q(depth__gt=goal.depth)

    def descendant_of(self, goal: "Goal", inclusive: bool = False):
        return self.filter(self.descendant_of_q(goal, inclusive))

    def not_descendant_of(self, goal: "Goal", inclusive: bool = False):
        return self.exclude(self.descendant_of_q(goal, inclusive))

    def child_of_q(self, goal: "Goal") -> Q:
        return Q(path__startswith=goal.path, depth=goal.depth + 1)

    def child_of(self, goal: "Goal"):
        return self.filter(self.child_of_q(goal))

    def ancestor_of_q(self, goal: "Goal", inclusive: bool = False) -> Q:
        steps = range(Goal.steplen, len(goal.path) + (Goal.steplen if inclusive else 0), Goal.steplen)
        return Q(path__in=[goal.path[:end] for end in steps])

    def ancestor_of(self, goal: "Goal", inclusive: bool = False):
        return self.filter(self.ancestor_of_q(goal, inclusive)).order_by("depth")

    def with_context(self):
        """Fetch what a listing shows of each goal in the same query."""
        return self.select_related("owner", "period", "until_period")

    # Reads for the browsing pages. The tree is never read whole: by level,
    # or the children of given nodes, each with how much sits below it.

    def with_status(self, status: str | None):
        """Goals of one status; None or "all" keeps every status."""
        if status in (None, "", "all"):
            return self
        return self.filter(status=status)

    def ancestors_of_each(self, goals) -> dict[str, "Goal"]:
        """The ancestors of several goals in one query, keyed by path."""
        paths = {
            goal.path[:end] for goal in goals for end in range(Goal.steplen, len(goal.path), Goal.steplen)
        }
        return {goal.path: goal for goal in self.filter(path__in=paths)}

    def subtree_q(self, path: str) -> Q:
        """Goals at or below ``path``, written so that each backend's path index serves it."""
        if connections[self.db].vendor == "sqlite":
            # SQLite's LIKE ignores case and so never uses an index; paths are
            # digits and capital letters, all of which sort below "~".
            return Q(path__gte=path, path__lt=path + "~")
        return Q(path__startswith=path)

    def children_of_any(self, parents):
        """The children of any of ``parents`` (an empty queryset for none)."""
        q = Q(pk__in=[])
        for parent in parents:
            q |= self.subtree_q(parent.path) & Q(depth=parent.depth + 1)
        return self.filter(q)

    def count_below_children_of(self, parents) -> dict[str, int]:
        """How many of these goals sit below each child of ``parents``, keyed by the child's path.

        One query (a UNION ALL of one grouped count per depth among the
        parents) that reads only the parents' branches, never the tree whole.
        """
        by_depth: dict[int, list] = {}
        for parent in parents:
            by_depth.setdefault(parent.depth, []).append(parent)
        grouped = []
        for depth, group in sorted(by_depth.items()):
            within = Q(pk__in=[])
            for parent in group:
                within |= self.subtree_q(parent.path)
            grouped.append(self.filter(within, depth__gt=depth + 1).prefix_counts((depth + 1) * Goal.steplen))
        if not grouped:
            return {}
        rows = grouped[0].union(*grouped[1:], all=True) if len(grouped) > 1 else grouped[0]
        return {row["prefix"]: row["n"] for row in rows}

    def prefix_counts(self, length: int):
        """Rows of (prefix, n): how many of these goals share each path prefix of ``length`` characters."""
        return (
            self.annotate(prefix=models.functions.Substr("path", 1, length))
            .order_by()
            .values("prefix")
            .annotate(n=models.Count("pk"))
        )

    def count_by_prefix(self, length: int) -> dict[str, int]:
        """How many of these goals share each path prefix of ``length`` characters."""
        return {row["prefix"]: row["n"] for row in self.prefix_counts(length)}


class GoalManager(MP_NodeManager.from_queryset(GoalQuerySet)):
    def get_queryset(self):
        # MP_NodeManager builds its own queryset; without this override the
        # domain methods of GoalQuerySet would vanish from Goal.objects.
        return GoalQuerySet(self.model, using=self._db).order_by("path")


class Goal(MP_Node):
    # Overridden so the uniqueness is a named constraint: check_tree's tests
    # drop it inside a rolled-back transaction to plant duplicate paths.
    path = models.CharField(max_length=255, db_index=True)

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=20, choices=GoalLevel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE
    )
    owner = models.ForeignKey(
        Unit,
        verbose_name=_("owner unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals",
    )
    period = models.ForeignKey(
        MandatePeriod,
        verbose_name=_("valid from period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals_starting",
        help_text=_("The mandate period the goal belongs to. Empty only for a timeless vision."),
    )
    until_period = models.ForeignKey(
        MandatePeriod,
        verbose_name=_("valid until period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="goals_ending",
        help_text=_("For long-lived goals: the last period the goal is valid in. Empty means one period."),
    )
    decided_by = models.CharField(
        _("decided by"), max_length=200, blank=True, help_text=_("The deciding body.")
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    case_number = models.CharField(_("case number (diarienummer)"), max_length=50, blank=True)
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("predecessor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
        help_text=_("The goal of an earlier period that this goal carries on."),
    )
    needs_relinking = models.BooleanField(
        _("needs re-linking"),
        default=False,
        help_text=_("Set when a carry-over could not place the goal under its own parent's successor."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, editable=False, help_text=_("Raised on every save; refuses lost updates.")
    )
    external_id = models.UUIDField(_("external id"), default=uuid.uuid4, unique=True, editable=False)
    contributes_to = models.ManyToManyField(
        "self",
        verbose_name=_("contributes to"),
        through="GoalLink",
        symmetrical=False,
        related_name="contributors",
        blank=True,
    )

    objects = GoalManager()
    history = HistoricalRecords(excluded_fields=["numchild"])

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.UniqueConstraint(fields=["path"], name="goal_path_unique"),
            models.CheckConstraint(
                condition=Q(level="vision") | Q(period__isnull=False, owner__isnull=False),
                name="goal_below_vision_has_period_and_owner",
            ),
        ]
        indexes = [
            # treebeard indexes neither; level-by-level reads need both.
            models.Index(fields=["depth", "path"], name="goal_depth_path"),
            models.Index(fields=["period", "level"], name="goal_period_level"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("goals:goal-detail", kwargs={"pk": self.pk})

    @property
    def level_rank(self) -> int:
        return LEVEL_RANK[self.level]

    @property
    def last_period(self):
        return self.until_period or self.period

    @property
    def is_vision(self) -> bool:
        return self.level == GoalLevel.VISION

    @property
    def is_decided(self) -> bool:
        return bool(self.decided_on or self.case_number)

    @property
    def is_active(self) -> bool:
        return self.status == GoalStatus.ACTIVE

    def is_valid_in(self, period: MandatePeriod) -> bool:
        if self.period_id is None:
            return True
        return self.period.start <= period.start <= self.last_period.start

    def covers(self, other: "Goal") -> bool:
        """Whether this goal is valid in every period the other goal is valid in."""
        if self.period_id is None:
            return True
        if other.period_id is None:
            return False
        return self.period.start <= other.period.start and other.last_period.start <= self.last_period.start

    def clean(self):
        from goals import rules

        rules.check_fields(self)


class GoalLink(models.Model):
    """A goal contributes to a further goal besides its tree parent."""

    source = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="outgoing_links"
    )
    target = models.ForeignKey(
        Goal, verbose_name=_("contributes to"), on_delete=models.PROTECT, related_name="incoming_links"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution link")
        verbose_name_plural = _("contribution links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="one_link_per_pair"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="link_not_to_itself"),
        ]

    def __str__(self):
        return f"{self.source} → {self.target}"

    def clean(self):
        from goals import rules

        if self.source_id and self.target_id:
            rules.check_link(self.source, self.target)
