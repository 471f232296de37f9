"""Contribution links in the admin: the inline on a goal's form and the list for administrators.

Both write only through goals.services.goal_link_add and goal_link_remove, which
check the link rules and the rights and start new versions of the cached goal
pages of both ends; a changed link is the old one removed and the new one added.
"""

from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy

from goals import services
from goals.admin.choosing import GoalSearchSelect, goal_label
from goals.models import GoalLink
from vision.actors import is_administrator
from vision.admin_refusals import shows_refusals
from vision.history_admin import HistoryAdmin


def goal_search_widgets(db_field, kwargs) -> None:
    """Goals are chosen by searching, with their level, period and owner in each label."""
    if db_field.name in {"source", "target"}:
        kwargs["widget"] = GoalSearchSelect("admin:goals_goal_link_targets")


class GoalLinkInline(admin.TabularInline):
    model = GoalLink
    fk_name = "source"
    extra = 0
    verbose_name = gettext_lazy("further goal it contributes to")
    verbose_name_plural = gettext_lazy("also contributes to (besides its parent)")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        goal_search_widgets(db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def link_formset_save(*, by, formset) -> None:
    """Write what a validated GoalLink formset says, link by link, through the services."""
    # commit=False writes nothing; it sorts the forms into new, changed and
    # deleted links, which the admin's change message reads as well.
    formset.save(commit=False)
    removed = list(formset.deleted_objects)
    retargeted = [link for link, _fields in formset.changed_objects]
    stored = GoalLink.objects.select_related("source", "target").in_bulk(
        [link.pk for link in removed + retargeted]
    )
    with transaction.atomic():
        for link in removed:
            old = stored.get(link.pk)
            if old is not None:
                services.goal_link_remove(by=by, source=old.source, target=old.target)
        for link in retargeted:
            old = stored.get(link.pk)
            if old is not None and old.target_id == link.target_id:
                continue
            if old is not None:
                services.goal_link_remove(by=by, source=old.source, target=old.target)
            services.goal_link_add(by=by, source=link.source, target=link.target)
        for link in formset.new_objects:
            services.goal_link_add(by=by, source=link.source, target=link.target)


def link_save(*, by, link: GoalLink) -> GoalLink:
    """Store ``link`` as the admin's form (or a history revert) left it: added, or replaced."""
    with transaction.atomic():
        old = GoalLink.objects.select_related("source", "target").filter(pk=link.pk).first()
        if old is not None:
            if (old.source_id, old.target_id) == (link.source_id, link.target_id):
                return old
            services.goal_link_remove(by=by, source=old.source, target=old.target)
        return services.goal_link_add(by=by, source=link.source, target=link.target)


@admin.register(GoalLink)
class GoalLinkAdmin(HistoryAdmin):
    list_display = ["source_goal", "target_goal"]
    search_fields = ["source__title", "target__title"]
    list_select_related = [
        "source__owner",
        "source__period",
        "source__until_period",
        "target__owner",
        "target__period",
        "target__until_period",
    ]

    @admin.display(description=gettext_lazy("goal"), ordering="source__title")
    def source_goal(self, link):
        return goal_label(link.source)

    @admin.display(description=gettext_lazy("contributes to"), ordering="target__title")
    def target_goal(self, link):
        return goal_label(link.target)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        goal_search_widgets(db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Editors add and remove links on their own goals' pages (the inline);
    # this free-standing list could reach any unit's goals.
    def _administrators_only(self, request, obj=None):
        return is_administrator(request.user)

    has_module_permission = has_view_permission = has_add_permission = _administrators_only
    has_change_permission = has_delete_permission = _administrators_only

    def save_model(self, request, obj, form, change):
        saved = link_save(by=request.user, link=obj)
        # The admin's log entry and redirect name the link as stored (a replaced link has a new id).
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.goal_link_remove(by=request.user, source=obj.source, target=obj.target)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for link in queryset.select_related("source", "target"):
                services.goal_link_remove(by=request.user, source=link.source, target=link.target)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" in request.POST:
            # A changed link was replaced by a new one: continue on the new one's page.
            response["Location"] = reverse("admin:goals_goallink_change", args=[obj.pk])
        return response

    @shows_refusals
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    @shows_refusals
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        return super().history_form_view(request, object_id, version_id, extra_context)

    @shows_refusals
    def delete_view(self, request, object_id, extra_context=None):
        return super().delete_view(request, object_id, extra_context)

    @shows_refusals
    def response_action(self, request, queryset):
        with transaction.atomic():
            return super().response_action(request, queryset)
