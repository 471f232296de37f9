from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin

from goals import services
from goals.forms import GoalAdminForm
from goals.models import Goal, GoalLink


class GoalLinkInline(admin.TabularInline):
    model = GoalLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]
    verbose_name = gettext_lazy("contributes to")
    verbose_name_plural = gettext_lazy("also contributes to (besides its parent)")


def message_of(error: ValidationError) -> str:
    return " ".join(error.messages)


@admin.register(Goal)
class GoalAdmin(SimpleHistoryAdmin, TreeAdmin):
    form = GoalAdminForm
    inlines = [GoalLinkInline]
    list_display = ["title", "level", "owner", "period", "until_period", "status", "needs_relinking"]
    list_filter = ["period", "level", "status", "needs_relinking", "owner__kind", "owner"]
    search_fields = ["title", "case_number"]
    list_select_related = ["owner", "period", "until_period"]
    readonly_fields = ["predecessor_link", "external_id"]
    actions = ["retire_selected"]
    fieldsets = [
        (None, {"fields": ["title", "description", "level", "status", "owner", "loaded_version"]}),
        (gettext_lazy("Validity"), {"fields": ["period", "until_period", "needs_relinking"]}),
        (gettext_lazy("Decision"), {"fields": ["decided_by", "decided_on", "case_number"]}),
        (gettext_lazy("Position in the tree"), {"fields": ["treebeard_position", "treebeard_ref_node"]}),
        (gettext_lazy("Lineage"), {"fields": ["predecessor_link", "external_id"]}),
    ]

    @admin.display(description=gettext_lazy("predecessor"))
    def predecessor_link(self, goal):
        if goal.predecessor_id is None:
            return "–"
        return f"{goal.predecessor.title} ({goal.predecessor.period})"

    def save_model(self, request, obj, form, change):
        parent_or_ref, position = form.tree_target()
        if not change:
            goal = services.goal_insert(parent=form.prospective_parent(), goal=obj)
            if parent_or_ref is not None and position != "last-child":
                services.goal_move(goal=goal, target=parent_or_ref, position=position)
            return
        changed = [name for name in form.changed_data if name in services.EDITABLE_FIELDS]
        if changed:
            services.goal_update(
                goal=obj,
                expected_version=form.cleaned_data.get("loaded_version"),
                **{name: getattr(obj, name) for name in changed},
            )
        if form.tree_changed():
            services.goal_move(goal=obj, target=parent_or_ref, position=position)

    def save_related(self, request, form, formsets, change):
        form.instance.refresh_from_db()
        super().save_related(request, form, formsets, change)

    def delete_view(self, request, object_id, extra_context=None):
        goal = self.get_object(request, object_id)
        if goal is not None and request.method == "POST":
            refusal = services.goal_deletion_refusal(goal)
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:goals_goal_change", args=[goal.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.goal_delete(goal=obj)

    def delete_queryset(self, request, queryset):
        for goal in queryset:
            services.goal_delete(goal=goal)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk deletion would stop half-way at the first decided goal.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=gettext_lazy("Retire selected goals with their sub-goals"), permissions=["change"]
    )
    def retire_selected(self, request, queryset):
        with transaction.atomic():
            retired = sum(services.goal_retire(goal=goal, user=request.user) for goal in queryset)
        self.message_user(request, _("%(count)d goals retired.") % {"count": retired}, messages.SUCCESS)

    def move_node(self, request):
        """Drag and drop in the tree, through the same service and rules as the form."""
        if not self.has_change_permission(request):
            raise PermissionDenied

        class MoveForm(forms.Form):
            node = forms.ModelChoiceField(queryset=Goal.objects.all())
            target = forms.ModelChoiceField(queryset=Goal.objects.all())
            relation = forms.ChoiceField(choices=(("child", "child"), ("sibling", "sibling")))

        form = MoveForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Invalid move request."))
            return HttpResponseBadRequest("Invalid move request.")
        node, target = form.cleaned_data["node"], form.cleaned_data["target"]
        if not self.has_change_permission(request, node):
            messages.error(request, _("You do not have permission to change this goal."))
            raise PermissionDenied
        position = "last-child" if form.cleaned_data["relation"] == "child" else "left"
        try:
            services.goal_move(goal=node, target=target, position=position)
        except ValidationError as error:
            # The script reloads the page on an error status, showing this message.
            messages.error(request, message_of(error))
            return HttpResponseBadRequest(message_of(error))
        messages.info(request, _("Moved “%(goal)s”.") % {"goal": node.title})
        return HttpResponse("OK")


@admin.register(GoalLink)
class GoalLinkAdmin(SimpleHistoryAdmin):
    list_display = ["source", "target"]
    search_fields = ["source__title", "target__title"]
    autocomplete_fields = ["source", "target"]
    list_select_related = ["source", "target"]
