from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from dialogue import kit, services
from dialogue.forms import WorkshopForm
from dialogue.models import Lecture, Material, Workshop
from dialogue.questions import QUESTIONS
from dialogue.streaming import content_disposition
from vision.models import MandatePeriod, Unit

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _period(request) -> MandatePeriod | None:
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(MandatePeriod, slug=slug)
    return MandatePeriod.objects.current()


def dialogue_home(request):
    period = MandatePeriod.objects.current()
    lecture = Lecture.objects.prefetch_related("chapters").order_by("-given_on", "-pk").first()
    workshops = (
        Workshop.objects.select_related("unit").prefetch_related("goals").order_by("unit__name", "-held_on")
    )
    workshops = workshops.held_in(period) if period else workshops.none()
    context = {
        "period": period,
        "material": Material.objects.current(),
        "lecture": lecture,
        "questions": QUESTIONS,
        "workshops": workshops,
        "my_units": services.units_for_workshops(request.user).order_by("name"),
        "kit_units": Unit.objects.filter(goals__isnull=False).distinct().order_by("name"),
    }
    return render(request, "dialogue/home.html", context)


def workshop_record(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    if not services.units_for_workshops(request.user).filter(pk=unit.pk).exists():
        raise PermissionDenied(_("Only a member or editor of the unit can record its workshops."))
    period = MandatePeriod.objects.current()
    form = WorkshopForm(request.POST or None, unit=unit, period=period)
    if request.method == "POST" and form.is_valid():
        workshop = form.save(commit=False)
        workshop.unit = unit
        try:
            services.workshop_save(workshop=workshop, goals=form.cleaned_data["goals"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The workshop was recorded."))
            return redirect("dialogue-home")
    return render(request, "dialogue/workshop_form.html", {"form": form, "unit": unit, "period": period})


def workshop_kit(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    period = _period(request)
    if period is None:
        raise Http404(_("No mandate period is marked current."))
    content = kit.kit_content(unit=unit, period=period)
    response = HttpResponse(kit.build_kit(content), content_type=PPTX)
    filename = _("Workshop kit %(unit)s %(period)s.pptx") % {"unit": unit.name, "period": period.slug}
    response["Content-Disposition"] = content_disposition(filename, as_attachment=True)
    return response


def workshop_kit_pick(request):
    """The kit form's target: works without JavaScript by redirecting to the unit's kit."""
    unit = get_object_or_404(Unit, slug=request.GET.get("unit", ""))
    url = reverse("dialogue-kit", kwargs={"slug": unit.slug})
    period = request.GET.get("period")
    return redirect(f"{url}?{urlencode({'period': period})}" if period else url)


def unit_workshops(request, slug):
    """A unit's workshops: a fragment for the unit page (htmx), a page of its own without JavaScript."""
    unit = get_object_or_404(Unit, slug=slug)
    workshops = Workshop.objects.of_unit(unit).prefetch_related("goals")
    template = (
        "dialogue/_workshops.html" if request.headers.get("HX-Request") else "dialogue/unit_workshops.html"
    )
    return render(request, template, {"unit": unit, "workshops": workshops, "show_goals": True})
