from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.forms import MoveNodeForm, TreeNodeChoiceField

from goals import rules, services
from goals.admin.choosing import GoalSearchSelect, period_span
from goals.models import Goal

# "Last child of" first: a new goal usually goes below its siblings, under a parent.
POSITIONS = [
    ("last-child", gettext_lazy("Last child of")),
    ("first-child", gettext_lazy("First child of")),
    ("left", gettext_lazy("Before")),
    ("right", gettext_lazy("After")),
]


class ParentField(TreeNodeChoiceField):
    """Offers the goals of its queryset, and accepts any goal: a crafted or outdated
    choice (an activity, a retired goal, another period's) reaches the rules and is
    refused with their reason instead of "Select a valid choice"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return Goal.objects.with_context().get(pk=int(value))
        except (TypeError, ValueError, OverflowError, Goal.DoesNotExist):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class GoalAdminForm(MoveNodeForm):
    """The admin's goal form: checks placement by the shared rules; never writes the tree itself."""

    # The version the form was loaded with: a save over someone else's newer
    # save is refused instead of silently undoing it. Optional, so that a
    # crafted POST without it is still checked by every other rule.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    # Where the goal stood when the form was loaded ("position:ref-id"). The
    # tree fields are compared with it, not with the tree at saving time: a
    # sibling moved meanwhile must not make an unchanged form move this goal.
    loaded_position = forms.CharField(widget=forms.HiddenInput, required=False, max_length=50)
    treebeard_ref_node = ParentField(
        required=False,
        label=MoveNodeForm.base_fields["treebeard_ref_node"].label,
        empty_label=MoveNodeForm.base_fields["treebeard_ref_node"].empty_label,
        queryset=Goal.objects.none(),
        widget=GoalSearchSelect("admin:goals_goal_parents"),
    )

    class Meta:
        model = Goal
        exclude = ("path", "depth", "numchild", "predecessor")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["treebeard_position"].choices = POSITIONS
        if not self.instance.pk:
            self.fields["treebeard_position"].initial = "last-child"
        if self.instance.pk:
            # The search leaves out the goal's own branch.
            self.fields["treebeard_ref_node"].widget.attrs["data-goal"] = self.instance.pk
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_position"].initial = _position_key(
                self.initial.get("treebeard_position"), self.initial.get("treebeard_ref_node")
            )

    def _set_ref_model_queryset(self, opts, instance):
        # The widget searches on the server (goals.admin.choosing) and the field
        # accepts any goal for the rules to judge: no queryset of every goal.
        self.fields["treebeard_ref_node"].queryset = Goal.objects.none()

    def tree_target(self) -> tuple[Goal | None, str]:
        return self.cleaned_data.get("treebeard_ref_node"), self.cleaned_data.get("treebeard_position")

    def prospective_parent(self) -> Goal | None:
        ref, position = self.tree_target()
        if ref is None:
            return None
        if position in {"first-child", "last-child"}:
            return ref
        return Goal.objects.get_parent(ref)

    def tree_changed(self) -> bool:
        loaded = getattr(self, "cleaned_data", {}).get("loaded_position")
        if loaded:
            ref, position = self.tree_target()
            return _position_key(position, ref) != loaded
        return bool({"treebeard_ref_node", "treebeard_position"} & set(self.changed_data))

    def _post_clean(self):
        super()._post_clean()
        if self.errors or "treebeard_position" not in self.cleaned_data:
            return
        if self.instance.pk:
            # Also without a version (a crafted POST), so a move is locked exclusively
            # from the start rather than upgraded from a shared lock later.
            conflict = services.goal_version_conflict(
                goal=self.instance,
                version=self.cleaned_data.get("loaded_version"),
                moving=self.tree_changed(),
            )
            if conflict:
                self.add_error(None, ValidationError(conflict, code="edit_conflict"))
                return
        if self.instance.pk and not self.tree_changed():
            parent = Goal.objects.get_parent(self.instance)
        else:
            parent = self.prospective_parent()
        try:
            rules.check_placement(self.instance, parent)
        except ValidationError as error:
            self.add_error(*self._placement_error(error, parent))
            return
        try:
            rules.check_children_fit(self.instance)
        except ValidationError as error:
            self.add_error(None if hasattr(error, "error_dict") else self._validity_field(), error)

    def _validity_field(self) -> str:
        """The period field the user changed, where an error about the periods belongs."""
        changed = [name for name in ("until_period", "period") if name in self.changed_data]
        return changed[0] if changed else "period"

    def _placement_error(self, error: ValidationError, parent) -> tuple[str, ValidationError]:
        """Where a placement error belongs and how it reads: beside what the user changed, naming the periods."""
        code = getattr(error, "code", None)
        if code == "parent_other_period" and parent is not None:
            error = ValidationError(
                _(
                    "The parent goal “%(parent)s” is valid in %(parent_periods)s, but this goal in "
                    "%(periods)s: choose a parent valid in %(periods)s, or change the periods."
                )
                % {
                    "parent": parent.title,
                    "parent_periods": period_span(parent),
                    "periods": period_span(self.instance),
                },
                code=code,
            )
        if self.instance.pk and not self.tree_changed() and code == "parent_other_period":
            return self._validity_field(), error
        return "treebeard_ref_node", error

    def save(self, commit=True):
        # The admin calls the services with tree_target(); MoveNodeForm.save
        # would write paths before the inlines are even validated.
        if commit:
            raise NotImplementedError("Save goals through goals.services.")
        return forms.ModelForm.save(self, commit=False)


def _position_key(position, ref) -> str:
    return f"{position or ''}:{getattr(ref, 'pk', ref) or ''}"
