from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dialogue import permissions, services
from dialogue.models import Workshop
from dialogue.pages.forms import WorkshopForm
from vision.models import MandatePeriod, Unit


def workshop_record(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    # Checked before the form is shown too: an outsider should not fill it in only to be refused.
    permissions.require_workshop_rights(request.user, unit)
    period = MandatePeriod.objects.current_first().first()
    form = WorkshopForm(request.POST or None, unit=unit, period=period)
    if request.method == "POST" and form.is_valid():
        workshop = form.save(commit=False)
        workshop.unit = unit
        try:
            services.workshop_save(workshop=workshop, goals=form.cleaned_data["goals"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop was recorded."))
            return redirect("dialogue-home")
    return render(request, "dialogue/workshop_form.html", {"form": form, "unit": unit, "period": period})


def unit_workshops(request, slug):
    """A unit's workshops: a fragment for the unit page (htmx), a page of its own without JavaScript."""
    unit = get_object_or_404(Unit, slug=slug)
    workshops = Workshop.objects.of_unit(unit).prefetch_related("goals")
    template = (
        "dialogue/_workshops.html" if request.headers.get("HX-Request") else "dialogue/unit_workshops.html"
    )
    return render(request, template, {"unit": unit, "workshops": workshops, "show_goals": True})
