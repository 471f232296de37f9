from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import is_historic
from treebeard.admin import TreeAdmin

from goals import permissions, services
from goals.admin import choosing
from goals.admin.exchange import GoalExchangeAdminMixin
from goals.admin.filters import ValidInPeriodFilter
from goals.admin.forms import GoalAdminForm
from goals.admin.links import GoalLinkInline, link_formset_save
from goals.admin.revert import GoalRevertMixin
from goals.models import Goal, GoalLink
from vision.actors import NotAllowed
from vision.admin_display import UnitKindFilter, yes_no_icon
from vision.admin_refusals import REFUSALS, message_of, refused_page, shows_refusals
from vision.history_admin import HistoryAdmin, is_id, require_number
from vision.models import MandatePeriod, Unit


class EditorGoalAdminForm(GoalAdminForm):
    """The goal form for a unit editor: own units as owners, the levels they may write, as a child.

    The parent search offers the parents the editor may use in every period
    (goals.admin.choosing.parent_search); a crafted choice reaches the rights
    and rules and is refused with a reason beside the field.
    """

    user = None  # set by GoalAdmin.get_form

    def _get_initial(self, instance):
        return {"treebeard_ref_node": Goal.objects.get_parent(instance), "treebeard_position": "last-child"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An editor always adds and moves a goal as a child: no choice to make, so no field to show.
        position = self.fields["treebeard_position"]
        position.choices = [("last-child", _("Last child of"))]
        position.widget = forms.HiddenInput()
        position.initial = "last-child"
        self.fields["treebeard_ref_node"].label = _("Parent goal")
        level = self.fields["level"]
        offered = set(permissions.writable_levels(self.user))
        if self.instance.pk:
            offered.add(self.instance.level)  # shown as it is; saving it is refused with the reason
        level.choices = [(value, label) for value, label in level.choices if not value or value in offered]
        level.error_messages["invalid_choice"] = _(
            "Your units may not own goals at that level: choose one of the levels offered."
        )
        owner = self.fields["owner"]
        owner.queryset = Unit.objects.editable_by(self.user)
        owner.required = True
        owner.error_messages["invalid_choice"] = _(
            "You are not an editor of that unit: choose one of your own units."
        )

    def _post_clean(self):
        super()._post_clean()
        if self.errors or "treebeard_position" not in self.cleaned_data:
            return
        # The services check the same again when saving; here the editor gets the refusal beside the field.
        placing = not self.instance.pk or self.tree_changed()
        checks = [(None, lambda: self._check_stored())]
        checks.append(("owner", lambda: permissions.check_owner_allowed(self.user, self.instance.owner)))
        checks.append(
            ("level", lambda: permissions.check_may_write(self.user, self.instance, None, placing=False))
        )
        if placing:
            checks.append(
                (
                    "treebeard_ref_node",
                    lambda: permissions.check_placement_allowed(
                        self.user, self.instance, self.prospective_parent()
                    ),
                )
            )
        for field, check in checks:
            try:
                check()
            except NotAllowed as refusal:
                self.add_error(field, str(refusal))
                return

    def _check_stored(self):
        if self.instance.pk:
            permissions.check_may_change(
                self.user, Goal.objects.select_related("owner").get(pk=self.instance.pk)
            )


@admin.register(Goal)
class GoalAdmin(GoalExchangeAdminMixin, GoalRevertMixin, HistoryAdmin, TreeAdmin):
    form = GoalAdminForm
    object_history_template = "admin/goals/goal/history.html"
    inlines = [GoalLinkInline]
    list_display = ["title", "level", "owner", "periods", "status", "relinking"]
    list_filter = [
        ValidInPeriodFilter,
        "level",
        "status",
        "needs_relinking",
        ("owner__kind", UnitKindFilter),
        "owner",
    ]
    search_fields = ["title", "case_number"]
    list_select_related = ["owner", "period", "until_period"]
    readonly_fields = ["predecessor_link", "external_id"]
    actions = ["retire_selected"]
    change_list_template = "admin/goals/goal/tree_change_list.html"
    fieldsets = [
        (None, {"fields": ["title", "description", "level", "status", "owner", "loaded_version"]}),
        (gettext_lazy("Validity"), {"fields": ["period", "until_period", "needs_relinking"]}),
        (gettext_lazy("Decision"), {"fields": ["decided_by", "decided_on", "case_number"]}),
        (
            gettext_lazy("Position in the tree"),
            {"fields": ["treebeard_position", "treebeard_ref_node", "loaded_position"]},
        ),
        (gettext_lazy("Lineage"), {"fields": ["predecessor_link", "external_id"]}),
    ]

    @admin.display(description=gettext_lazy("predecessor"))
    def predecessor_link(self, goal):
        if goal.predecessor_id is None:
            return "–"
        return f"{goal.predecessor.title} ({goal.predecessor.period})"

    @admin.display(description=gettext_lazy("periods"), ordering="period__start")
    def periods(self, goal):
        return choosing.period_span(goal)

    @admin.display(description=gettext_lazy("re-link"), ordering="needs_relinking")
    def relinking(self, goal):
        return yes_no_icon(goal.needs_relinking)

    def get_queryset(self, request):
        return permissions.editable_goals(request.user, super().get_queryset(request))

    def is_filtered(self, request) -> bool:
        # An editor's goals sit deep in the tree, below goals they cannot open:
        # they get the flat list of their own goals, not the tree from its roots.
        if not request.user.is_superuser or request.GET.get(SEARCH_VAR):
            return True
        # The period keeps the tree: it is read one period at a time.
        ignored = {*IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR, ValidInPeriodFilter.parameter_name}
        return any(param not in ignored for param in request.GET)

    # simple-history asks these about historical copies too; the right is the goal's as it is now.
    def has_change_permission(self, request, obj=None):
        obj = current_goal(obj)
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_goal(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        obj = current_goal(obj)
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_goal(request.user, obj))

    def has_view_permission(self, request, obj=None):
        obj = current_goal(obj)
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or permissions.can_edit_goal(request.user, obj))

    def revert_disabled(self, request, obj=None):
        return obj is None or not self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not request.user.is_superuser:
            # Made per request: the admin instantiates the form itself, without our arguments.
            kwargs["form"] = type("EditorGoalAdminForm", (EditorGoalAdminForm,), {"user": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def parents_view(self, request):
        """The parent search of the goal form: one page of the goals that fit, labelled with their period."""
        if not self.has_view_or_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        return choosing.search_response(
            choosing.parent_search(request.user, request.GET), request.GET.get("page")
        )

    def link_targets_view(self, request):
        """The search for the goals a contribution link points at."""
        if not self.has_view_or_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        return choosing.search_response(
            choosing.link_target_search(request.user, request.GET), request.GET.get("page")
        )

    def children_view(self, request, parent_id):
        """treebeard's expansion of a row; 404 for an id no goal can have (``abc`` was a 500)."""
        require_number(parent_id)
        return super().children_view(request, parent_id)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        """Another unit's goal exists: say whose it is and where to read it, not that it does not exist."""
        goal = Goal.objects.select_related("owner").filter(pk=object_id).first() if is_id(object_id) else None
        if goal is None:
            return super()._get_obj_does_not_exist_redirect(request, opts, object_id)
        self.message_user(
            request,
            format_html(
                _(
                    "You may not edit “{goal}”: it belongs to {unit}, and only its editors and administrators "
                    'change it. <a href="{url}">Read the goal</a> or choose one of your own goals below.'
                ),
                goal=goal.title,
                unit=goal.owner or _("no unit"),
                url=goal.get_absolute_url(),
            ),
            messages.WARNING,
        )
        return HttpResponseRedirect(reverse("admin:goals_goal_changelist"))

    def save_model(self, request, obj, form, change):
        parent_or_ref, position = form.tree_target()
        if not change:
            services.goal_insert(
                parent=form.prospective_parent(),
                goal=obj,
                target=parent_or_ref,
                position=position,
                by=request.user,
            )
            return
        changed = [name for name in form.changed_data if name in services.EDITABLE_FIELDS]
        if changed:
            services.goal_update(
                by=request.user,
                goal=obj,
                expected_version=form.cleaned_data.get("loaded_version"),
                **{name: getattr(obj, name) for name in changed},
            )
        if form.tree_changed():
            services.goal_move(goal=obj, target=parent_or_ref, position=position, by=request.user)

    def save_related(self, request, form, formsets, change):
        form.instance.refresh_from_db()
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is GoalLink:
            link_formset_save(by=request.user, formset=formset)
            return
        super().save_formset(request, form, formset, change)

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        goal = self.get_object(request, object_id)
        if goal is not None and request.method == "POST":
            refusal = services.goal_deletion_refusal(goal, by=request.user)
            if refusal:
                self.message_user(request, refusal, messages.ERROR)
                return HttpResponseRedirect(reverse("admin:goals_goal_change", args=[goal.pk]))
        try:
            return super().delete_view(request, object_id, extra_context)
        except REFUSALS as refusal:
            self.message_user(request, message_of(refusal), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:goals_goal_change", args=[goal.pk]))

    def delete_model(self, request, obj):
        services.goal_delete(goal=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for goal in queryset:
                services.goal_delete(goal=goal, by=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Bulk deletion would stop half-way at the first decided goal.
        actions.pop("delete_selected", None)
        return actions

    @admin.action(
        description=gettext_lazy("Retire selected goals with their sub-goals"), permissions=["change"]
    )
    def retire_selected(self, request, queryset):
        try:
            with transaction.atomic():
                retired = sum(services.goal_retire(goal=goal, by=request.user) for goal in queryset)
        except REFUSALS as refusal:
            self.message_user(request, message_of(refusal), messages.ERROR)
            return
        self.message_user(request, _("%(count)d goals retired.") % {"count": retired}, messages.SUCCESS)

    def move_node(self, request):
        """Drag and drop in the tree, through the same service and rules as the form."""
        if not self.has_change_permission(request):
            messages.error(request, _("You may not move goals."))
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
            services.goal_move(goal=node, target=target, position=position, by=request.user)
        except REFUSALS as refusal:
            # The script reloads the page on an error status, showing this message.
            messages.error(request, message_of(refusal))
            return HttpResponseBadRequest(message_of(refusal))
        node = Goal.objects.with_context().get(pk=node.pk)
        messages.success(
            request,
            _("Moved “%(goal)s” under “%(parent)s” (%(periods)s).")
            % {
                "goal": node.title,
                "parent": Goal.objects.get_parent(node) or "–",
                "periods": choosing.period_span(node),
            },
        )
        return HttpResponse("OK")

    def get_urls(self):
        view = self.admin_site.admin_view
        own = [
            path("carry-over/", view(self.carry_over_view), name="goals_goal_carry_over"),
            path("parents/", view(self.parents_view), name="goals_goal_parents"),
            path("link-targets/", view(self.link_targets_view), name="goals_goal_link_targets"),
        ]
        return [*own, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_carry_over": permissions.can_carry_over(request.user),
            "tree_texts": tree_texts(),
        }
        return super().changelist_view(request, extra_context)

    def carry_over_view(self, request):
        """Carry a period over: the form, then the plan (a dry run), then the real run on confirmation."""
        try:
            permissions.check_may_carry_over(request.user)
        except NotAllowed as refusal:
            return refused_page(self, request, _("Carry goals over to the next period"), str(refusal))
        form = CarryOverForm(request.POST or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            arguments = {
                "source": form.cleaned_data["source"],
                "target": form.cleaned_data["target"],
                "unit": form.cleaned_data["unit"],
                "by": request.user,
            }
            try:
                if "confirm" in request.POST:
                    result = services.period_carry_over(**arguments, dry_run=False)
                    self.message_user(request, carry_over_summary(result), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:goals_goal_changelist")
                        + f"?{ValidInPeriodFilter.parameter_name}={result.target.pk}"
                    )
                plan = services.period_carry_over(**arguments, dry_run=True)
            except REFUSALS as refusal:
                form.add_error(None, message_of(refusal))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Carry goals over to the next period"),
            "form": form,
            "plan": plan,
            # A Counter answers 0 to the template's attribute lookups; hand it over as pairs.
            "plan_units": sorted(plan.per_unit.items()) if plan else [],
        }
        return TemplateResponse(request, "admin/goals/goal/carry_over.html", context)


class CarryOverForm(forms.Form):
    source = forms.ModelChoiceField(queryset=MandatePeriod.objects.all(), label=gettext_lazy("From period"))
    target = forms.ModelChoiceField(queryset=MandatePeriod.objects.all(), label=gettext_lazy("To period"))
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(),
        required=False,
        label=gettext_lazy("Only this unit"),
        empty_label=gettext_lazy("All units"),
    )


def carry_over_summary(result: services.CarryOverResult) -> str:
    return _(
        "%(created)d goals carried over from %(source)s to %(target)s; %(relinking)d need re-linking; "
        "%(already)d were already carried."
    ) % {
        "created": result.created,
        "source": result.source,
        "target": result.target,
        "relinking": len(result.relinking),
        "already": result.already_carried,
    }


def tree_texts() -> dict[str, str]:
    """What the tree's script says, in the page's language (treebeard's own strings have no Swedish)."""
    return {
        "show": _("Show the sub-goals of “%(title)s”"),
        "hide": _("Hide the sub-goals of “%(title)s”"),
        "child": _("As a sub-goal"),
        "sibling": _("Before, at the same level"),
        "abort": _("Cancel the move"),
        "drag": _("Drag to move the goal"),
    }


def current_goal(obj):
    """The goal as stored now for a historical copy (the copy itself once the goal is deleted)."""
    if obj is None or not is_historic(obj):
        return obj
    return Goal.objects.select_related("owner").filter(pk=obj.pk).first() or obj
