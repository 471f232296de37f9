from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _

from dialogue import kit, previews
from dialogue.kit import previews as kit_previews
from goals import cache as goal_cache
from goals.pages.selection import selected_period
from vision.models import Unit

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def _kit_request(request, slug):
    unit = get_object_or_404(Unit, slug=slug)
    period = selected_period(request)
    if period is None:
        raise Http404(_("No mandate period has been entered yet."))
    return (
        unit,
        period,
        kit.kit_language(request.GET.get("lang")),
        kit.kit_minutes(request.GET.get("minutes")),
    )


def _query(period, language, minutes) -> str:
    return urlencode({"period": period.slug, "lang": language, "minutes": minutes})


def workshop_kit(request, slug):
    unit, period, language, minutes = _kit_request(request, slug)
    record_url = request.build_absolute_uri(reverse("dialogue-workshop-new", kwargs={"slug": unit.slug}))
    # Building the slides takes most of a second; a kit changes with the period's goals (its
    # version), the choices and the day its title slide is dated.
    key = (
        "workshop-kit",
        unit.pk,
        period.pk,
        language,
        minutes,
        record_url,
        date.today().isoformat(),
        goal_cache.period_version(period.pk),
    )
    deck = goal_cache.cached(
        key,
        lambda: kit.build_kit(
            kit.kit_content(unit=unit, period=period),
            language=language,
            minutes=minutes,
            record_url=record_url,
        ),
    )
    response = HttpResponse(deck, content_type=PPTX)
    filename = _("Workshop kit %(unit)s %(period)s.pptx") % {"unit": unit.name, "period": period.slug}
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def workshop_kit_preview(request, slug):
    """The kit's slides as images (or, until they are made, as an outline) before downloading it."""
    unit, period, language, minutes = _kit_request(request, slug)
    outline = kit_previews.preview_kit(unit=unit, period=period, language=language, minutes=minutes)
    images = kit_previews.stored_images(outline)
    being_made = False
    if images is None:
        being_made = kit_previews.schedule_kit_previews(
            unit=unit,
            period=period,
            language=language,
            minutes=minutes,
            digest=previews.outline_digest(outline),
        )
    by_number = {image["number"]: image for image in images or []}
    slides = [
        {
            **slide,
            "image_url": kit_previews.image_url(by_number[slide["number"]]["name"])
            if slide["number"] in by_number
            else None,
            "width": by_number.get(slide["number"], {}).get("width"),
            "height": by_number.get(slide["number"], {}).get("height"),
        }
        for slide in outline
    ]
    query = _query(period, language, minutes)
    context = {
        "unit": unit,
        "period": period,
        "language": language,
        "minutes": minutes,
        "slides": slides,
        "has_images": bool(images),
        "being_made": being_made,
        "can_render": previews.can_render(),
        "download_url": f"{reverse('dialogue-kit', kwargs={'slug': unit.slug})}?{query}",
    }
    return render(request, "dialogue/kit_preview.html", context)


def workshop_kit_pick(request):
    """The kit form's target: works without JavaScript by redirecting to the unit's kit or its preview."""
    unit = get_object_or_404(Unit, slug=request.GET.get("unit", ""))
    target = "dialogue-kit-preview" if request.GET.get("show") == "preview" else "dialogue-kit"
    url = reverse(target, kwargs={"slug": unit.slug})
    query = {name: request.GET[name] for name in ("period", "lang", "minutes") if request.GET.get(name)}
    return redirect(f"{url}?{urlencode(query)}" if query else url)
