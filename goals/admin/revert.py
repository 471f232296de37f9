"""Reverting a goal to one of its history records, as a mixin for GoalAdmin.

simple-history's own revert form saves the historical copy directly and asks
the rights about the copy (its owner then, not now). Here the rights are
judged on the goal as it is now and on what the revert would write, and the
revert is a goals.services.goal_update of the fields that differ: the same
rules, the same rights, a version raised and a history row by the reverting
user. A revert restores a goal's fields, not its place in the tree (the tree
around it has moved on since); the page says so, and a move is made on the
change form.
"""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import display_for_field
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from goals import permissions, services
from goals.models import Goal
from vision.actors import NotAllowed
from vision.admin_refusals import REFUSALS, message_of

# The fields a revert sets back, in the order of the form: those goal_update may change.
REVERTED_FIELDS = [
    field.name for field in Goal._meta.concrete_fields if field.name in services.EDITABLE_FIELDS
]


class RevertForm(forms.Form):
    # The version of the goal the page showed: a revert over a newer save is refused.
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def old_values(record) -> dict:
    """The values of REVERTED_FIELDS in a history record, related objects fetched (None if gone)."""
    values = {}
    for name in REVERTED_FIELDS:
        field = Goal._meta.get_field(name)
        value = getattr(record, field.attname)
        if field.is_relation and value is not None:
            value = field.related_model._default_manager.filter(pk=value).first()
        values[name] = value
    return values


def differences(current: Goal, old: dict) -> dict:
    """The fields whose value in ``old`` differs from the goal's now."""
    return {name: value for name, value in old.items() if value != getattr(current, name)}


def revert_refusal(user, current: Goal | None, record, old: dict, changes: dict) -> str | None:
    """Why ``user`` may not revert ``current`` to ``record`` (``old`` its values), or None when they may try."""
    if current is None:
        return _(
            "This goal was deleted: a deleted goal cannot be brought back from its history; add it again."
        )
    for name in REVERTED_FIELDS:
        field = Goal._meta.get_field(name)
        if field.is_relation and getattr(record, field.attname) is not None and old[name] is None:
            return _("The %(field)s of this version no longer exists.") % {"field": field.verbose_name}
    try:
        permissions.check_may_change(user, current)
        reverted = copy.copy(current)
        for name, value in changes.items():
            setattr(reverted, name, value)
        permissions.check_may_write(user, reverted, None, placing=False)
    except NotAllowed as refusal:
        return str(refusal)
    return None


class GoalRevertMixin:
    """The history record page of a goal: what it was, what it is now, and a revert through the service."""

    revert_template = "admin/goals/goal/revert.html"

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not (str(object_id).isdigit() and str(version_id).isdigit()):
            raise Http404
        record = (
            Goal.history.select_related("history_user").filter(id=object_id, history_id=version_id).first()
        )
        if record is None:
            raise Http404
        current = Goal.objects.with_context().filter(pk=object_id).first()
        # Rights are the current goal's; a deleted goal is judged by what it last was.
        if not self.has_view_permission(request, current or record.instance):
            raise PermissionDenied
        old = old_values(record)
        changes = differences(current, old) if current is not None else {}
        refusal = revert_refusal(request.user, current, record, old, changes)
        form = RevertForm(request.POST or None, initial={"loaded_version": getattr(current, "version", None)})
        error = None
        if request.method == "POST":
            if refusal:
                error = refusal
            elif not form.is_valid():
                error = _("The page was not sent whole: load it again and revert from there.")
            elif not changes:
                self.message_user(
                    request,
                    _("This version matches the goal as it is now: nothing to revert."),
                    messages.INFO,
                )
                return HttpResponseRedirect(self._history_url(current))
            else:
                try:
                    reverted = services.goal_update(
                        by=request.user,
                        goal=current,
                        expected_version=form.cleaned_data["loaded_version"],
                        **changes,
                    )
                except REFUSALS as refused:
                    error = message_of(refused)
                else:
                    self.log_change(request, reverted, [{"changed": {"fields": self._labels(changes)}}])
                    self.message_user(
                        request,
                        _("“%(goal)s” was reverted to its version of %(date)s.")
                        % {"goal": reverted.title, "date": _when(record)},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(self._history_url(reverted))
        shown = current or record.instance
        context = {
            **self.admin_site.each_context(request),
            "opts": Goal._meta,
            "app_label": Goal._meta.app_label,
            "title": (_("Revert “%(goal)s”") if not refusal else _("View “%(goal)s”"))
            % {"goal": shown.title},
            "goal": shown,
            "current": current,
            "record": record,
            "recorded_at": _when(record),
            "rows": self._rows(current, old, changes),
            "changes": changes,
            "refusal": refusal,
            "error": error,
            "form": form,
            "history_url": self._history_url(shown),
            "change_url": reverse("admin:goals_goal_change", args=[shown.pk]) if current else None,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.revert_template, context)

    def _history_url(self, goal) -> str:
        return reverse("admin:goals_goal_history", args=[goal.pk])

    @staticmethod
    def _labels(changes: dict) -> list[str]:
        return [str(Goal._meta.get_field(name).verbose_name) for name in changes]

    @staticmethod
    def _rows(current: Goal | None, old: dict, changes: dict) -> list[dict]:
        rows = []
        for name in REVERTED_FIELDS:
            field = Goal._meta.get_field(name)
            rows.append(
                {
                    "label": field.verbose_name,
                    "then": display_for_field(old[name], field, "–"),
                    "now": display_for_field(getattr(current, name), field, "–") if current else "–",
                    "differs": name in changes,
                }
            )
        return rows


def _when(record) -> str:
    return date_format(localtime(record.history_date), "SHORT_DATETIME_FORMAT")
