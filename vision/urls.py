from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from vision import auth, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include(auth.i18n_urlpatterns)),
    path("accounts/login/", auth.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include(auth.oidc_urlpatterns)),
    path("admin/", admin.site.urls),
    # Not MEDIA_URL: a handler serving MEDIA_URL straight from disk (runserver, the
    # test live server) would otherwise bypass the sign-in and the range handling.
    path("files/", include("dialogue.pages.media_urls")),
    path("dialogue/", include("dialogue.pages.urls")),
    path("api/dialogue/", include("dialogue.api.urls")),
    path("api/indicators/", include("goals.followup.api.urls")),
    path("api/followup/", include("goals.followup.api.round_urls")),
    path("api/", include("goals.api.urls")),
    path("accessibility/", views.accessibility, name="accessibility"),
    # Always routed; answers 404 while settings.PUBLIC_SITE is off (goals/public/http.py).
    path("public/", include("goals.public.urls")),
    path("", include("goals.followup.pages.urls")),
    path("", include("goals.pages.urls")),
]
