from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from vision import health
from vision.outage import retry_after_seconds


@login_not_required
@never_cache
def healthz(request):
    """Answer 200 ``ok`` when the database, its file, the cache and media storage answer;
    503 with a JSON body naming each failed check otherwise, for load balancers."""
    failed = health.run_checks()
    if failed:
        response = JsonResponse({"status": "unavailable", "failed": failed}, status=503)
        response["Retry-After"] = str(retry_after_seconds())
        return response
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires.

    Public: someone who cannot sign in must still be able to read it and report that."""
    contact = getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", "")
    return render(request, "vision/accessibility.html", {"contact": contact})
