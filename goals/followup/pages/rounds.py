"""The round pages: the rounds, a round's dashboard, "my follow-ups" (the editor's goals with a form
each, saved in place with htmx and by a plain POST without JavaScript), a unit's report and the
report chapter as docx and xlsx. Every write goes through goals.followup.services.assessment_save."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from goals import cache as goal_cache
from goals import permissions
from goals.followup.models import Assessment, FollowUpRound, Indicator
from goals.followup.pages.round_data import dashboard
from goals.followup.pages.round_forms import AssessmentForm
from goals.followup.report import chapter_docx, goals_xlsx
from goals.followup.rollup import round_goals, suggestions_for
from goals.followup.services import AssessmentConflict, assessment_save
from goals.followup.services.assessments import may_assess
from goals.followup.snapshot import snapshot_of
from vision.actors import NotAllowed
from vision.models import Unit

PAGE_SIZE = 25
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(pk: int) -> FollowUpRound:
    return get_object_or_404(FollowUpRound.objects.select_related("period"), pk=pk)


def round_list(request):
    rounds = FollowUpRound.objects.select_related("period").defer("snapshot")
    return render(request, "followup/rounds/list.html", {"rounds": rounds})


def round_dashboard(request, pk: int):
    round_ = _round(pk)
    # Counting every goal of the period by unit and area, and drawing it, is most of the page:
    # kept until an assessment is saved (the round's version), a goal changes (the period's),
    # the round's state or due date changes, or the day turns (who is late).
    today = timezone.localdate()
    board_version = ":".join(
        str(part)
        for part in (
            round_.state,
            round_.due,
            today,
            goal_cache.period_version(round_.period_id),
            goal_cache.round_version(round_.pk),
        )
    )
    context = {
        "round": round_,
        "board": SimpleLazyObject(lambda: dashboard(round_, today)),
        "board_version": board_version,
        "cache_seconds": goal_cache.cache_seconds(),
    }
    return render(request, "followup/rounds/dashboard.html", context)


def _goal_cards(round_: FollowUpRound, goals: list, user) -> list[dict]:
    """Each goal with its assessment, indicators and suggestion, already prefetched."""
    suggestions = suggestions_for(round_, goals)
    cards = []
    for goal in goals:
        assessment = goal.round_assessments[0] if goal.round_assessments else None
        cards.append(
            {
                "goal": goal,
                "assessment": assessment,
                "suggestion": suggestions.get(goal.path),
                "indicators": goal.round_indicators,
                "form": _form_for(goal, assessment) if round_.is_open and may_assess(user, goal) else None,
            }
        )
    return cards


def _form_for(goal, assessment, data=None) -> AssessmentForm:
    initial = {"status": "not_assessed", "version": 0}
    if assessment is not None:
        initial = {
            "status": assessment.status,
            "analysis": assessment.analysis,
            "next_steps": assessment.next_steps,
            "version": assessment.version,
        }
    return AssessmentForm(data, initial=initial, goal_id=goal.pk)


def _goals_with_context(round_: FollowUpRound, queryset):
    return queryset.select_related("owner").prefetch_related(
        Prefetch(
            "assessments",
            queryset=Assessment.objects.filter(round=round_).select_related("author"),
            to_attr="round_assessments",
        ),
        Prefetch(
            "indicators",
            queryset=Indicator.objects.with_current_status(round_.year, round_.year).order_by("title", "pk"),
            to_attr="round_indicators",
        ),
    )


def mine(request, pk: int):
    round_ = _round(pk)
    goals = permissions.editable_goals(request.user, round_goals(round_)).order_by("path")
    page = Paginator(_goals_with_context(round_, goals), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "round": round_,
        "page": page,
        "cards": _goal_cards(round_, list(page.object_list), request.user),
    }
    return render(request, "followup/rounds/mine.html", context)


def unit_report(request, pk: int, slug: str):
    round_ = _round(pk)
    unit = get_object_or_404(Unit, slug=slug)
    goals = round_goals(round_).filter(owner=unit).order_by("path")
    page = Paginator(_goals_with_context(round_, goals), PAGE_SIZE).get_page(request.GET.get("page"))
    cards = _goal_cards(round_, list(page.object_list), request.user)
    for card in cards:
        card["form"] = None
    return render(
        request, "followup/rounds/unit.html", {"round": round_, "unit": unit, "page": page, "cards": cards}
    )


@require_POST
def assess(request, pk: int, goal_id: int):
    """Save one goal's assessment: the htmx form gets its card back, a plain POST a redirect."""
    round_ = _round(pk)
    goal = get_object_or_404(round_goals(round_).select_related("owner"), pk=goal_id)
    is_htmx = request.headers.get("HX-Request") == "true"
    form = AssessmentForm(request.POST, goal_id=goal.pk)
    error, status = None, 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            assessment_save(
                round=round_,
                goal=goal,
                status=data["status"],
                analysis=data["analysis"],
                next_steps=data["next_steps"],
                version=data["version"],
                by=request.user,
            )
        except NotAllowed as refusal:
            error, status = str(refusal), 403
        except AssessmentConflict as clash:
            error, status = " ".join(clash.messages), 409
        except ValidationError as refusal:
            error, status = " ".join(refusal.messages), 400
    else:
        status = 400
    if status == 200 and not is_htmx:
        messages.success(request, _("The assessment of “%(goal)s” was saved.") % {"goal": goal.title})
        return redirect(reverse("followup:round-mine", kwargs={"pk": round_.pk}) + f"#goal-{goal.pk}")
    round_ = _round(pk)
    [stored] = _goals_with_context(round_, round_goals(round_).filter(pk=goal.pk))
    [card] = _goal_cards(round_, [stored], request.user)
    if status != 200 and card["form"] is not None:
        if status == 409:
            # Keep what the editor wrote, on top of the stored version, so nothing typed is lost.
            fresh = _form_for(stored, card["assessment"])
            fresh.initial.update(
                {k: v for k, v in form.data.items() if k in ("status", "analysis", "next_steps")}
            )
            card["form"] = fresh
        else:
            card["form"] = form
    card["error"] = error
    card["saved"] = status == 200
    template = "followup/rounds/_goal_card.html" if is_htmx else "followup/rounds/assess.html"
    # htmx swaps only 2xx answers by default; the card carries the error either way.
    return render(request, template, {"round": round_, "card": card}, status=200 if is_htmx else status)


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def report_docx(request, pk: int):
    round_ = _round(pk)
    return _download(
        chapter_docx(snapshot_of(round_)), DOCX, f"maluppfyllelse-{round_.year}-{round_.kind}.docx"
    )


def report_xlsx(request, pk: int):
    round_ = _round(pk)
    return _download(
        goals_xlsx(snapshot_of(round_)), XLSX, f"maluppfyllelse-{round_.year}-{round_.kind}.xlsx"
    )


def snapshot_json(request, pk: int):
    """The archived record of a published round, exactly as frozen."""
    round_ = _round(pk)
    if not round_.is_published or round_.snapshot is None:
        raise Http404(_("The round is not published yet."))
    response = JsonResponse(round_.snapshot, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="uppfoljning-{round_.year}-{round_.kind}.json"'
    return response
