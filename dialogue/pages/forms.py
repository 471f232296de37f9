from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue.models import Workshop
from goals.models import Goal, GoalLevel


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
