import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from goals.querysets import GoalManager
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
            # A unit's goals in tree order, a page at a time (its page, the workshop form):
            # read in order rather than every one of them sorted for each page.
            models.Index(fields=["owner", "path"], name="goal_owner_path"),
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
