from django import forms

from dialogue import validation
from dialogue.models import Lecture, Material, Workshop
from dialogue.services.workshops import check_workshop_goals


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


class WorkshopAdminForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["unit", "held_on", "facilitator", "important", "actions", "goals"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("unit") is not None:
            check_workshop_goals(unit=cleaned["unit"], goals=cleaned.get("goals") or [])
        return cleaned
