"""The product's URLs plus /bench/bare/: the reference every page's throughput is divided by."""

from django.http import HttpResponse
from django.urls import include, path

from vision.models import MandatePeriod


def bare(request):
    """One query of its own behind the same middleware, session and sign-in as the pages."""
    slug = MandatePeriod.objects.order_by("pk").values_list("slug", flat=True).first()
    return HttpResponse(f"ok {slug}", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("vision.urls")),
]
