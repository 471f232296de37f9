from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from dialogue import kit
from goals.pages.selection import selected_period
from vision.models import Unit

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def workshop_kit(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    period = selected_period(request)
    if period is None:
        raise Http404(_("No mandate period has been entered yet."))
    content = kit.kit_content(unit=unit, period=period)
    response = HttpResponse(kit.build_kit(content), content_type=PPTX)
    filename = _("Workshop kit %(unit)s %(period)s.pptx") % {"unit": unit.name, "period": period.slug}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def workshop_kit_pick(request):
    """The kit form's target: works without JavaScript by redirecting to the unit's kit."""
    unit = get_object_or_404(Unit, slug=request.GET.get("unit", ""))
    url = reverse("dialogue-kit", kwargs={"slug": unit.slug})
    period = request.GET.get("period")
    return redirect(f"{url}?{urlencode({'period': period})}" if period else url)
