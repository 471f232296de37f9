from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue import validation
from dialogue.models import Lecture, Material, Workshop
from goals.models import Goal, GoalLevel


class MaterialUploadForm(forms.ModelForm):
    """Checks the upload by content; the facts read on the way go to the service."""

    class Meta:
        model = Material
        fields = ["title", "version", "file"]

    facts = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and not getattr(upload, "_committed", False) and hasattr(upload, "content_type"):
            self.facts = validation.inspect_material(upload)
        return upload


class LectureForm(forms.ModelForm):
    class Meta:
        model = Lecture
        fields = [
            "title",
            "speaker",
            "affiliation",
            "given_on",
            "description",
            "video",
            "poster",
            "captions",
            "captions_language",
        ]

    video_facts = None

    def _is_new_upload(self, name):
        return name in self.changed_data and self.cleaned_data.get(name)

    def clean_video(self):
        if self._is_new_upload("video"):
            self.video_facts = validation.inspect_video(self.cleaned_data["video"])
        return self.cleaned_data["video"]

    def clean_captions(self):
        if self._is_new_upload("captions"):
            validation.inspect_captions(self.cleaned_data["captions"])
        return self.cleaned_data["captions"]

    def clean_poster(self):
        if self._is_new_upload("poster"):
            validation.inspect_poster(self.cleaned_data["poster"])
        return self.cleaned_data["poster"]


class WorkshopForm(forms.ModelForm):
    """A workshop for one unit; the goals offered are that unit's goals in the period."""

    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Which of the unit's goals it supports"),
    )

    class Meta:
        model = Workshop
        fields = ["held_on", "facilitator", "important", "actions", "goals"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "facilitator": _("Who led the workshop. Do not enter participants' names."),
        }

    def __init__(self, *args, unit, period, **kwargs):
        super().__init__(*args, **kwargs)
        goals = Goal.objects.owned_by(unit).active().exclude(level=GoalLevel.VISION).order_by("path")
        if period is not None:
            goals = goals.valid_in(period)
        self.fields["goals"].queryset = goals


class WorkshopAdminForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["unit", "held_on", "facilitator", "important", "actions", "goals"]

    def clean(self):
        from dialogue.services import check_workshop_goals

        cleaned = super().clean()
        if cleaned.get("unit") is not None:
            check_workshop_goals(unit=cleaned["unit"], goals=cleaned.get("goals") or [])
        return cleaned
