import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from dialogue.models import Workshop
from goals.models import Goal, GoalLevel

# A unit may own thousands of goals: the form offers this many at a time, grouped by council
# goal, and a search narrows them. Goals already chosen are always offered.
MAX_OFFERED_GOALS = 40
COUNCIL_DEPTH = 3


class WorkshopForm(forms.ModelForm):
    """A workshop for one unit; the goals offered are that unit's goals in the period."""

    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Which of the unit's goals it supports"),
    )
    goal_search = forms.CharField(
        required=False,
        max_length=100,
        label=_("Find the unit's goals by words in their titles"),
    )
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Workshop
        fields = ["held_on", "facilitator", "important", "actions", "goals"]
        widgets = {"held_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {
            "facilitator": _("Who led the workshop. Do not enter participants' names."),
        }

    def __init__(self, *args, unit, period, **kwargs):
        super().__init__(*args, **kwargs)
        goals = Goal.objects.owned_by(unit).active().exclude(level=GoalLevel.VISION)
        if period is not None:
            goals = goals.valid_in(period)
        # The whole set validates a choice; only a bounded part of it is shown (goal_groups).
        self.fields["goals"].queryset = goals.order_by("path")
        self.unit_goals = goals
        if self.instance.pk is None and not self.is_bound:
            self.initial["submission"] = uuid.uuid4()

    def chosen_goal_ids(self) -> set[int]:
        if self.is_bound:
            # At most 19 digits: int() refuses 4300 or more (a 500); longer ids cannot exist anyway.
            values = self.data.getlist(self.add_prefix("goals"))
            return {
                int(value) for value in values if value.isascii() and value.isdigit() and len(value) <= 19
            }
        if self.instance.pk is not None:
            return set(self.instance.goals.values_list("pk", flat=True))
        return set()

    def goal_groups(self):
        """The goals to show, grouped under their council goal: (council title, [(goal, checked)]), total, shown."""
        words = (self.data.get(self.add_prefix("goal_search")) or "").strip() if self.is_bound else ""
        offered = self.unit_goals.order_by("path")
        if words:
            offered = offered.filter(title__icontains=words)
        chosen = self.chosen_goal_ids()
        total = offered.count()
        shown = list(offered[:MAX_OFFERED_GOALS])
        missing = chosen - {goal.pk for goal in shown}
        if missing:
            shown += list(self.unit_goals.filter(pk__in=missing))
        shown.sort(key=lambda goal: goal.path)
        council_paths = sorted(
            {goal.path[: COUNCIL_DEPTH * Goal.steplen] for goal in shown if goal.depth >= COUNCIL_DEPTH}
        )
        councils = dict(Goal.objects.filter(path__in=council_paths).values_list("path", "title"))
        groups: dict[str, list] = {}
        for goal in shown:
            council = councils.get(goal.path[: COUNCIL_DEPTH * Goal.steplen], "")
            groups.setdefault(council, []).append((goal, goal.pk in chosen))
        return list(groups.items()), total, len(shown)
