"""Follow-up rounds (tertial, interim and annual report), the assessments of goals in them,
and the log of reminders sent, so that a reminder goes out once however often the timer runs."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.models import Goal
from vision.models import MandatePeriod, Unit


class RoundKind(models.TextChoices):
    T1 = "t1", _("first tertial")
    DELAR = "delar", _("interim report")
    HELAR = "helar", _("annual report")


class RoundState(models.TextChoices):
    OPEN = "open", _("open")
    LOCKED = "locked", _("locked")
    PUBLISHED = "published", _("published")


class AssessmentStatus(models.TextChoices):
    MET = "met", _("met")
    PARTLY = "partly", _("partly met")
    NOT_MET = "not_met", _("not met")
    NOT_ASSESSED = "not_assessed", _("not assessed")


# The weight of each status in a roll-up; "not assessed" is left out, not counted as 0.
STATUS_SCORE = {AssessmentStatus.MET: 1.0, AssessmentStatus.PARTLY: 0.5, AssessmentStatus.NOT_MET: 0.0}
STATUS_ICONS = {
    AssessmentStatus.MET: "✔",
    AssessmentStatus.PARTLY: "◐",
    AssessmentStatus.NOT_MET: "✖",
    AssessmentStatus.NOT_ASSESSED: "–",
}


class FollowUpRound(models.Model):
    period = models.ForeignKey(
        MandatePeriod,
        verbose_name=_("mandate period"),
        on_delete=models.PROTECT,
        related_name="followup_rounds",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=RoundKind.choices)
    opens = models.DateField(_("opens"))
    due = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=RoundState.choices, default=RoundState.OPEN)
    # The archived public record, written once by round_publish and never changed afterwards.
    snapshot = models.JSONField(_("frozen snapshot"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up round")
        verbose_name_plural = _("follow-up rounds")
        ordering = ["-year", "-due", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period", "year", "kind"], name="one_round_per_year_and_kind"),
            models.CheckConstraint(
                condition=models.Q(opens__lte=models.F("due")), name="round_opens_before_due"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display().capitalize()} {self.year}"

    def get_absolute_url(self):
        return reverse("followup:round-dashboard", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == RoundState.OPEN

    @property
    def is_published(self) -> bool:
        return self.state == RoundState.PUBLISHED


class Assessment(models.Model):
    round = models.ForeignKey(
        FollowUpRound, verbose_name=_("follow-up round"), on_delete=models.CASCADE, related_name="assessments"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(
        _("assessment"),
        max_length=15,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.NOT_ASSESSED,
    )
    analysis = models.TextField(_("analysis"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight in the roll-up"),
        default=1,
        help_text=_("How much this goal counts in its parent's suggestion."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "goal__path"]
        constraints = [
            models.UniqueConstraint(fields=["round", "goal"], name="one_assessment_per_goal_and_round"),
            models.CheckConstraint(condition=models.Q(weight__gte=1), name="assessment_weight_positive"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.get_status_display()}"


class ReminderLog(models.Model):
    round = models.ForeignKey(FollowUpRound, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    recipients = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Null until the mail server accepted the message; a row without it is retried next run.
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["round", "unit", "kind"], name="one_reminder_per_unit_and_kind")
        ]

    def __str__(self):
        return f"{self.round} {self.unit} {self.kind}"
