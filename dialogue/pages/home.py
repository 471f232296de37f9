from django.shortcuts import render

from dialogue import previews
from dialogue.models import Lecture, Material, PreviewStatus, Workshop
from dialogue.permissions import units_for_workshops
from dialogue.questions import QUESTIONS
from vision.models import MandatePeriod, Unit


def own_unit_id(user) -> int | None:
    """The unit a manager most likely makes a kit for: the first they belong to (as editor or member)."""
    if not user.is_authenticated:
        return None
    return Unit.objects.filter(memberships__user=user).order_by("name").values_list("pk", flat=True).first()


def dialogue_home(request):
    period = MandatePeriod.objects.current_first().first()
    lecture = Lecture.objects.prefetch_related("chapters").current()
    material = Material.objects.current()
    workshops = (
        Workshop.objects.select_related("unit").prefetch_related("goals").order_by("unit__name", "-held_on")
    )
    workshops = workshops.held_in(period) if period else workshops.none()
    my_units = units_for_workshops(request.user).order_by("name")
    context = {
        "period": period,
        "material": material,
        "slides": material.slides() if material else [],
        "previews_ready": bool(
            material and material.previews_status == PreviewStatus.READY and material.previews
        ),
        "previews_failed": bool(material and material.previews_status == PreviewStatus.FAILED),
        "can_render": previews.can_render(),
        "lecture": lecture,
        "questions": QUESTIONS,
        "workshops": workshops,
        "my_units": my_units,
        "editable_unit_ids": set(my_units.values_list("pk", flat=True)),
        "kit_units": Unit.objects.filter(goals__isnull=False).distinct().order_by("name"),
        "own_unit_id": own_unit_id(request.user),
    }
    return render(request, "dialogue/home.html", context)
