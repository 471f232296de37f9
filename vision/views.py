from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


@login_not_required
@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 otherwise, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires.

    Public: someone who cannot sign in must still be able to read it and report that."""
    contact = getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", "")
    return render(request, "vision/accessibility.html", {"contact": contact})
