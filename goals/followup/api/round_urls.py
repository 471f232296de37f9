"""URLs under /api/followup/. Every view answers anonymous callers itself (401 in JSON)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from goals.followup.api import rounds


def api_view(view_class):
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("rounds/", api_view(rounds.RoundList), name="api-round-list"),
    path("rounds/<int:pk>/assessments/", api_view(rounds.AssessmentList), name="api-round-assessments"),
    path(
        "rounds/<int:pk>/assessments/<int:goal_id>/",
        api_view(rounds.AssessmentPut),
        name="api-round-assessment",
    ),
]
