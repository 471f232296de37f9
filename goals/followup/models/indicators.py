"""Indicators (nyckeltal) that follow a goal up, their yearly targets and their measured values."""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from goals.followup.choices import Direction, Gender, Source
from goals.followup.querysets import IndicatorQuerySet, MeasurementQuerySet
from goals.models import Goal

DEFAULT_NEAR_MARGIN = 10.0
KPI_ID = RegexValidator(
    r"^[A-Z]\d{5}$", _("A Kolada key figure id is a capital letter and five digits, e.g. N00914.")
)


class Indicator(models.Model):
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="indicators"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("definition"), blank=True)
    measure_unit = models.CharField(
        _("unit of measure"), max_length=50, blank=True, help_text=_("E.g. %, kr, days.")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    kolada_kpi = models.CharField(
        _("Kolada key figure"), max_length=6, blank=True, db_index=True, validators=[KPI_ID]
    )
    gender = models.CharField(_("series"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    near_margin = models.FloatField(
        _("margin for “near” (%)"),
        default=DEFAULT_NEAR_MARGIN,
        help_text=_("How far from the target, in per cent of it, a value still counts as near."),
    )
    kolada_title = models.CharField(_("title in Kolada"), max_length=500, blank=True, editable=False)
    kolada_description = models.TextField(_("description in Kolada"), blank=True, editable=False)
    kolada_synced_at = models.DateTimeField(
        _("last fetched from Kolada"), null=True, blank=True, editable=False
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["goal__path", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(near_margin__gte=0), name="indicator_margin_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="kolada") | ~models.Q(kolada_kpi=""),
                name="kolada_indicator_names_kpi",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("followup:indicator-detail", kwargs={"pk": self.pk})

    @property
    def is_from_kolada(self) -> bool:
        return self.source == Source.KOLADA


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("target value"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator_id", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_year")]

    def __str__(self):
        return f"{self.year}: {self.value:g}"


PERIOD_LABEL = RegexValidator(
    r"^\d{4}(-(T[1-3]|Q[1-4]|0[1-9]|1[0-2]))?$",
    _("A period is a year (2024), a tertial (2025-T1), a quarter (2025-Q1) or a month (2025-08)."),
)


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.CharField(_("period"), max_length=7, validators=[PERIOD_LABEL])
    # Derived from the period label by the services, so reads can sort and filter in SQL.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    position = models.PositiveSmallIntegerField(editable=False, default=0)
    gender = models.CharField(_("series"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    # No value is stored as no value (null), never as 0.
    value = models.FloatField(_("value"), null=True, blank=True)
    status = models.CharField(_("status in the source"), max_length=50, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_at = models.DateTimeField(_("fetched or entered"))
    comment = models.TextField(_("comment"), blank=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["indicator_id", "year", "position", "gender"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period", "gender"], name="one_value_per_period_and_series"
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "gender", "year", "position"], name="measurement_series")
        ]

    def __str__(self):
        value = "–" if self.value is None else f"{self.value:g}"
        return f"{self.period} ({self.gender}): {value}"
