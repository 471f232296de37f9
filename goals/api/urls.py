"""URLs under /api/. Every view answers anonymous callers itself (401 in JSON),
so each is exempt from LoginRequiredMiddleware, which would redirect to the
login page instead (DRF's as_view() exempts its views too; saying so here keeps
it true should that change). The docs page is for people: it redirects them to
the login page."""

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from goals.api import views as api


def api_view(view_class, **initkwargs):
    return login_not_required(view_class.as_view(**initkwargs))


def api_view_function(view):
    return login_not_required(view)


urlpatterns = [
    path("periods/", api_view(api.PeriodList), name="api-period-list"),
    path("periods/<slug:slug>/", api_view(api.PeriodDetail), name="api-period-detail"),
    path("units/", api_view(api.UnitList), name="api-unit-list"),
    path("units/<slug:slug>/", api_view(api.UnitDetail), name="api-unit-detail"),
    path("goals/", api_view(api.GoalList), name="api-goal-list"),
    path("goals/<int:pk>/", api_view(api.GoalDetail), name="api-goal-detail"),
    path("tree/", api_view(api.GoalTree), name="api-goal-tree"),
    path(
        "schema/",
        api_view(SpectacularAPIView, permission_classes=[IsAuthenticated]),
        name="api-schema",
    ),
    path(
        "docs/",
        # The split view serves its start-up script from a URL: our CSP allows no inline script.
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    # Last: whatever else lies under /api/ (after the dialogue and indicator APIs
    # mounted before this one in vision/urls.py) answers a JSON 404.
    re_path(r"^", api_view_function(api.not_found), name="api-not-found"),
]
