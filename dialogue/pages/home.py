from django.shortcuts import render

from dialogue.models import Lecture, Material, Workshop
from dialogue.permissions import units_for_workshops
from dialogue.questions import QUESTIONS
from vision.models import MandatePeriod, Unit


def dialogue_home(request):
    period = MandatePeriod.objects.current_first().first()
    lecture = Lecture.objects.prefetch_related("chapters").current()
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
        "my_units": units_for_workshops(request.user).order_by("name"),
        "kit_units": Unit.objects.filter(goals__isnull=False).distinct().order_by("name"),
    }
    return render(request, "dialogue/home.html", context)
