"""The choices of the follow-up models, apart so that the status rules and querysets can use them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("higher is better")
    LOWER = "lower", _("lower is better")


class Source(models.TextChoices):
    MANUAL = "manual", _("entered by hand")
    IMPORT = "import", _("imported from a file")
    KOLADA = "kolada", _("Kolada")


class Gender(models.TextChoices):
    # Kolada's letters: T total, K women (kvinnor), M men (män).
    TOTAL = "T", _("total")
    WOMEN = "K", _("women")
    MEN = "M", _("men")
