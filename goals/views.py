from django.shortcuts import get_object_or_404, render

from goals.models import Goal, GoalLevel
from vision.models import MandatePeriod, Unit


def selected_period(request) -> MandatePeriod | None:
    slug = request.GET.get("period")
    if slug:
        return get_object_or_404(MandatePeriod, slug=slug)
    return MandatePeriod.objects.current()


def home(request):
    period = MandatePeriod.objects.current()
    visions = Goal.objects.visions().active()
    areas = Goal.objects.at_level(GoalLevel.AREA).active().with_context()
    if period:
        areas = areas.valid_in(period)
    return render(request, "goals/home.html", {"period": period, "visions": visions, "areas": areas})


def goal_tree(request):
    period = selected_period(request)
    goals = Goal.objects.filter(depth__lte=3).with_context()
    if period:
        goals = goals.valid_in(period)
    return render(request, "goals/tree.html", {"period": period, "goals": goals})


def goal_detail(request, pk):
    goal = get_object_or_404(Goal.objects.with_context(), pk=pk)
    ancestors = Goal.objects.ancestor_of(goal)
    children = Goal.objects.child_of(goal).with_context()
    return render(request, "goals/detail.html", {"goal": goal, "ancestors": ancestors, "children": children})


def unit_detail(request, slug):
    unit = get_object_or_404(Unit.objects.select_related("parent"), slug=slug)
    period = selected_period(request)
    goals = Goal.objects.owned_by(unit).with_context()
    if period:
        goals = goals.valid_in(period)
    return render(request, "goals/unit.html", {"unit": unit, "period": period, "goals": goals})
