from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from vision.models import MandatePeriod, Unit


class MaterialKind(models.TextChoices):
    PPTX = "pptx", _("PowerPoint presentation (pptx)")
    PDF = "pdf", _("PDF document")


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("being made")
    READY = "ready", _("ready")
    FAILED = "failed", _("failed")


class MaterialQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-uploaded_at", "-pk")

    def current(self):
        """The material managers should use now: the latest upload."""
        return self.newest_first().first()

    def matching(self, words: str):
        return self.filter(Q(title__icontains=words) | Q(outline_text__icontains=words))


class Material(models.Model):
    """One version of the dialogue material, with the facts read from it at upload."""

    title = models.CharField(_("title"), max_length=300)
    version = models.CharField(_("version"), max_length=50, help_text=_("For example 1.0 or 2025-05."))
    file = models.FileField(_("file"), upload_to="dialogue/material/", max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=MaterialKind.choices, editable=False)
    size = models.BigIntegerField(_("size in bytes"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    slide_count = models.PositiveIntegerField(_("slides or pages"), null=True, blank=True, editable=False)
    outline = models.JSONField(
        _("outline"), default=list, blank=True, editable=False, help_text=_("Slide titles and speaker notes.")
    )
    # The outline flattened once at upload, so searching never reopens the deck.
    outline_text = models.TextField(_("outline text"), blank=True, editable=False)
    # One image per slide, made by render_previews outside the upload request (dialogue.previews).
    previews = models.JSONField(_("slide images"), default=list, blank=True, editable=False)
    previews_status = models.CharField(
        _("slide images"),
        max_length=10,
        choices=PreviewStatus.choices,
        default=PreviewStatus.PENDING,
        editable=False,
    )
    previews_error = models.TextField(_("why the slide images failed"), blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MaterialQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("dialogue material")
        verbose_name_plural = _("dialogue material")
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="one_material_per_version")]

    def __str__(self):
        return f"{self.title} ({self.version})"

    @property
    def file_url(self) -> str:
        return reverse("media", kwargs={"name": self.file.name})

    @property
    def download_name(self) -> str:
        return f"{self.title} {self.version}.{self.kind}"

    def slides(self) -> list[dict]:
        """The outline with each slide's image (if made): number, title, notes, image_url, width, height."""
        images = {image["number"]: image for image in self.previews}
        return [
            {
                **slide,
                "image_url": reverse(
                    "dialogue-preview-image", kwargs={"name": images[slide["number"]]["name"]}
                )
                if slide["number"] in images
                else None,
                "width": images.get(slide["number"], {}).get("width"),
                "height": images.get(slide["number"], {}).get("height"),
            }
            for slide in self.outline
        ]


class LectureQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-given_on", "-pk")

    def current(self):
        """The lecture the dialogue page shows: the one given last."""
        return self.newest_first().first()


class Lecture(models.Model):
    """A recorded lecture with its captions and chapters."""

    title = models.CharField(_("title"), max_length=300)
    speaker = models.CharField(_("speaker"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    given_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    video = models.FileField(_("video (mp4 or webm)"), upload_to="dialogue/lecture/", max_length=300)
    video_type = models.CharField(_("video type"), max_length=30, editable=False)
    size = models.BigIntegerField(_("video size in bytes"), editable=False)
    sha256 = models.CharField(_("video SHA-256"), max_length=64, editable=False)
    poster = models.FileField(_("poster image"), upload_to="dialogue/lecture/", max_length=300, blank=True)
    captions = models.FileField(
        _("captions (WebVTT)"), upload_to="dialogue/lecture/", max_length=300, blank=True
    )
    captions_language = models.CharField(_("captions language"), max_length=10, default="sv")

    objects = LectureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("lecture")
        verbose_name_plural = _("lectures")

    def __str__(self):
        return f"{self.title} ({self.speaker})"

    @property
    def video_url(self) -> str:
        return reverse("media", kwargs={"name": self.video.name})

    @property
    def captions_url(self) -> str | None:
        return reverse("media", kwargs={"name": self.captions.name}) if self.captions else None

    @property
    def poster_url(self) -> str | None:
        return reverse("media", kwargs={"name": self.poster.name}) if self.poster else None


class Chapter(models.Model):
    lecture = models.ForeignKey(
        Lecture, verbose_name=_("lecture"), on_delete=models.CASCADE, related_name="chapters"
    )
    start = models.PositiveIntegerField(_("starts at (seconds)"))
    title = models.CharField(_("title"), max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["lecture", "start"]
        verbose_name = _("chapter")
        verbose_name_plural = _("chapters")
        constraints = [models.UniqueConstraint(fields=["lecture", "start"], name="one_chapter_per_start")]

    def __str__(self):
        return f"{self.timestamp} {self.title}"

    @property
    def timestamp(self) -> str:
        minutes, seconds = divmod(self.start, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class WorkshopQuerySet(models.QuerySet):
    def held_in(self, period: MandatePeriod):
        return self.filter(held_on__gte=period.start, held_on__lte=period.end)

    def of_unit(self, unit: Unit):
        return self.filter(unit=unit)


class Workshop(models.Model):
    """What a work group concluded. Participants are deliberately not recorded (GDPR)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="workshops")
    held_on = models.DateField(_("date"))
    facilitator = models.CharField(_("facilitator"), max_length=200)
    important = models.TextField(_("what the group found important"))
    actions = models.TextField(_("what the group will do"))
    goals = models.ManyToManyField(
        "goals.Goal",
        verbose_name=_("goals it supports"),
        related_name="workshops",
        blank=True,
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The form's one-time token: a form sent twice (a double click, a resend) stores one workshop.
    submission = models.UUIDField(_("submission"), null=True, blank=True, unique=True, editable=False)

    objects = WorkshopQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["goals"])

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")

    def __str__(self):
        return f"{self.unit} {self.held_on:%Y-%m-%d}"

    def clean(self):
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError(
                {
                    "held_on": _(
                        "A workshop is recorded once it has been held: the date cannot be in the future."
                    )
                }
            )
