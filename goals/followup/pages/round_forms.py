from django import forms
from django.utils.translation import gettext_lazy as _

from goals.followup.models import AssessmentStatus


class AssessmentForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Assessment"), choices=AssessmentStatus.choices, widget=forms.RadioSelect
    )
    analysis = forms.CharField(label=_("Analysis"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    next_steps = forms.CharField(
        label=_("Next steps"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, goal_id: int, **kwargs):
        kwargs.setdefault("auto_id", f"a{goal_id}-%s")
        super().__init__(*args, **kwargs)
