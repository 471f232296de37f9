"""URLs under /api/indicators/. Every view answers anonymous callers itself (401 in JSON)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from goals.followup.api import views


def api_view(view_class):
    return login_not_required(view_class.as_view())


urlpatterns = [
    path("", api_view(views.IndicatorList), name="api-indicator-list"),
    path("<int:pk>/", api_view(views.IndicatorDetail), name="api-indicator-detail"),
    path("<int:pk>/measurements/", api_view(views.MeasurementRecord), name="api-indicator-measurements"),
]
