from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MandatePeriodQuerySet(models.QuerySet):
    def current(self):
        """Return the period marked current, or None."""
        return self.filter(is_current=True).first()

    def current_first(self):
        """The periods with the one shown when none is named first: the current one, else the latest."""
        return self.order_by("-is_current", "-start")

    def containing(self, day):
        return self.filter(start__lte=day, end__gte=day)

    def after(self, period):
        return self.filter(start__gt=period.start).order_by("start")


class MandatePeriod(models.Model):
    slug = models.SlugField(_("slug"), unique=True, help_text=_("For example 2023-2026."))
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    is_current = models.BooleanField(_("current"), default=False)

    objects = MandatePeriodQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name = _("mandate period")
        verbose_name_plural = _("mandate periods")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_period"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="period_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("A mandate period must end after it starts.")})
        if self.start and self.end:
            overlapping = MandatePeriod.objects.filter(start__lte=self.end, end__gte=self.start).exclude(
                pk=self.pk
            )
            if overlapping.exists():
                raise ValidationError(
                    _("The period overlaps %(other)s.") % {"other": ", ".join(str(p) for p in overlapping)}
                )


class UnitKind(models.TextChoices):
    COUNCIL = "council", _("council")
    COMMITTEE = "committee", _("committee")
    OFFICE = "office", _("office")
    COMPANY = "company", _("company")


class UnitQuerySet(models.QuerySet):
    def of_kind(self, kind):
        return self.filter(kind=kind)

    def editable_by(self, user):
        """Units the user may edit: all for superusers, else those they are editor of."""
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user, memberships__role=UnitRole.EDITOR)


class Unit(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("goals:unit-detail", kwargs={"slug": self.slug})

    def clean(self):
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A unit cannot be its own ancestor.")})
            ancestor = ancestor.parent


class UnitRole(models.TextChoices):
    EDITOR = "editor", _("editor")
    VIEWER = "viewer", _("viewer")


class UnitMembership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unit_memberships"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=UnitRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="one_membership_per_unit")]

    def __str__(self):
        return f"{self.user} – {self.unit} ({self.get_role_display()})"
