from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dialogue import permissions, services
from dialogue.models import Workshop
from dialogue.pages.forms import WorkshopForm
from vision.models import MandatePeriod, Unit


def _period():
    return MandatePeriod.objects.current_first().first()


def _save(request, form, workshop, unit) -> bool:
    """Store the form's workshop through the service; False (with the error on the form) if refused."""
    workshop.unit = unit
    submission = form.cleaned_data.get("submission")
    try:
        services.workshop_save(
            workshop=workshop, goals=form.cleaned_data["goals"], by=request.user, submission=submission
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    except IntegrityError:
        # The same form sent twice at once: the other request stored it.
        if submission is None or not Workshop.objects.filter(submission=submission).exists():
            raise
    return True


def _wants_goal_search(request) -> bool:
    return request.POST.get("action") == "find-goals"


def workshop_record(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    # Checked before the form is shown too: an outsider should not fill it in only to be refused.
    permissions.require_workshop_rights(request.user, unit)
    period = _period()
    form = WorkshopForm(request.POST or None, unit=unit, period=period)
    submitted = request.method == "POST" and not _wants_goal_search(request)
    if submitted and form.is_valid() and _save(request, form, form.save(commit=False), unit):
        messages.success(request, _("The workshop was recorded."))
        return redirect("dialogue-home")
    return render(request, "dialogue/workshop_form.html", {"form": form, "unit": unit, "period": period})


def workshop_edit(request, pk):
    """Correct a recorded workshop; every version stays in its history."""
    workshop = get_object_or_404(Workshop.objects.select_related("unit"), pk=pk)
    permissions.require_workshop_rights(request.user, workshop.unit_id)
    period = _period()
    form = WorkshopForm(request.POST or None, instance=workshop, unit=workshop.unit, period=period)
    submitted = request.method == "POST" and not _wants_goal_search(request)
    if submitted and form.is_valid() and _save(request, form, form.save(commit=False), workshop.unit):
        messages.success(request, _("The workshop was corrected."))
        return redirect("dialogue-home")
    context = {"form": form, "unit": workshop.unit, "period": period, "workshop": workshop}
    return render(request, "dialogue/workshop_form.html", context)


def workshop_withdraw(request, pk):
    """Withdraw a recorded workshop after a confirmation; its history keeps what it said."""
    workshop = get_object_or_404(Workshop.objects.select_related("unit"), pk=pk)
    permissions.require_workshop_rights(request.user, workshop.unit_id)
    if request.method == "POST":
        services.workshop_delete(workshop=workshop, by=request.user)
        messages.success(request, _("The workshop was withdrawn."))
        return redirect("dialogue-home")
    return render(request, "dialogue/workshop_withdraw.html", {"workshop": workshop})


def unit_workshops(request, slug):
    """A unit's workshops: a fragment for the unit page (htmx), a page of its own without JavaScript."""
    unit = get_object_or_404(Unit, slug=slug)
    workshops = Workshop.objects.of_unit(unit).prefetch_related("goals")
    template = (
        "dialogue/_workshops.html" if request.headers.get("HX-Request") else "dialogue/unit_workshops.html"
    )
    editable = {unit.pk} if permissions.can_record_workshop(request.user, unit) else set()
    context = {"unit": unit, "workshops": workshops, "show_goals": True, "editable_unit_ids": editable}
    return render(request, template, context)
