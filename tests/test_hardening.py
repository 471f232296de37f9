"""Hardening: deploy checks, security headers, CSP, cookies, lock-out, JSON answers from the API."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "vision.norrkoping.se",
}


def run_with_production_env(*args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OIDC_", "DJANGO_"))}
    env.update(PRODUCTION_ENV)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_passes_with_production_environment():
    """`manage.py check --deploy --fail-level WARNING` passes with DEBUG=0, SECRET_KEY and ALLOWED_HOSTS."""
    result = run_with_production_env("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_redirect_to_https_and_send_hsts():
    """Under production settings plain HTTP is redirected, HTTPS answers carry HSTS, cookies are secure."""
    script = """
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(HTTP_HOST="vision.norrkoping.se")
plain = client.get("/healthz")
print("plain", plain.status_code, plain.get("Location"))
secure = client.get("/healthz", secure=True)
print("hsts", secure.get("Strict-Transport-Security"))
print("cookies", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)
"""
    result = run_with_production_env("shell", "-c", script)
    assert result.returncode == 0, result.stderr
    lines = {
        key: value
        for key, _, value in (line.partition(" ") for line in result.stdout.splitlines())
        if key in {"plain", "hsts", "cookies"}
    }
    assert lines["plain"] == "301 https://vision.norrkoping.se/healthz"
    assert lines["hsts"].startswith("max-age=31536000")
    assert "includeSubDomains" in lines["hsts"]
    assert lines["cookies"] == "True True True"


def test_pages_carry_the_security_headers_and_a_csp_without_unsafe_inline(client, db):
    """Every answer has CSP (no unsafe-inline, no foreign sources), nosniff, frame denial and a referrer policy."""
    response = client.get(reverse("login"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"].startswith("'self'")
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly(client, db):
    UserFactory(username="lasare")
    client.post(reverse("login"), {"username": "lasare", "password": "demo"})
    assert client.cookies["sessionid"]["httponly"]
    assert client.cookies["sessionid"]["samesite"] == "Lax"


def test_anonymous_pages_redirect_to_sign_in(client, db):
    response = client.get(reverse("goals:goal-tree"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_api_calls_get_401_json_not_a_redirect(client, db):
    response = client.get("/api/goals/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_the_api_safety_net_answers_json_for_views_that_forgot_login_not_required(rf, db):
    """A plain Django view under /api/ is answered by the login middleware in JSON, not redirected."""
    from django.contrib.auth.models import AnonymousUser

    from vision.auth import LoginRequiredMiddleware

    request = rf.get("/api/something/")
    request.user = AnonymousUser()
    middleware = LoginRequiredMiddleware(lambda request: None)
    response = middleware.process_view(request, lambda request: None, (), {})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


@pytest.fixture
def axes_on(settings, db):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    return settings


def sign_in(client, username, password, address="10.0.0.7", forwarded_for=None, url=None):
    """Post the sign-in form from ``address`` (behind a proxy: with an X-Forwarded-For header)."""
    meta = {"REMOTE_ADDR": address}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(url or reverse("login"), {"username": username, "password": password}, **meta)


def test_repeated_failed_sign_ins_lock_the_account_with_a_clear_page(client, axes_on):
    """After the failure limit, even the right password is refused with the lock-out page (429)."""
    UserFactory(username="redaktor")
    for _ in range(2):
        assert sign_in(client, "redaktor", "fel").status_code == 200
    locked = sign_in(client, "redaktor", "fel")
    assert locked.status_code == 429
    assert "registration/lockout.html" in [template.name for template in locked.templates]
    assert locked.context["failure_limit"] == 3
    assert locked.context["cooloff_minutes"] == 30
    refused = sign_in(client, "redaktor", "demo")
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_account_stays_locked_from_another_address(client, axes_on):
    UserFactory(username="redaktor")
    for _ in range(3):
        sign_in(client, "redaktor", "fel", address="10.0.0.7")
    assert sign_in(client, "redaktor", "demo", address="10.9.9.9").status_code == 429


def test_the_address_is_locked_for_other_accounts_too(client, axes_on):
    UserFactory(username="annan")
    for name in ["a", "b", "c"]:
        sign_in(client, name, "fel", address="10.0.0.8")
    assert sign_in(client, "annan", "demo", address="10.0.0.8").status_code == 429


def test_an_administrator_lifts_the_lock_in_the_admin(client, admin_client, axes_on):
    """Deleting the access attempts in the admin (django-axes' list) lets the user sign in again."""
    UserFactory(username="redaktor")
    for _ in range(3):
        sign_in(client, "redaktor", "fel")
    assert AccessAttempt.objects.exists()
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "redaktor" in listing.content.decode()
    lifted = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert sign_in(client, "redaktor", "demo").status_code == 302


def test_a_forged_forwarded_for_header_does_not_dodge_the_address_lock(client, axes_on):
    """Without AXES_PROXY_COUNT the address is REMOTE_ADDR: rotating X-Forwarded-For changes nothing."""
    UserFactory(username="annan")
    for n, name in enumerate(["a", "b", "c"]):
        sign_in(client, name, "fel", address="10.0.0.9", forwarded_for=f"192.0.2.{n}")
    response = sign_in(client, "annan", "demo", address="10.0.0.9", forwarded_for="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_one_locked(client, axes_on):
    """With AXES_PROXY_COUNT=1 (nginx in front) clients behind one proxy address are told apart."""
    axes_on.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="annan")
    for name in ["a", "b", "c"]:
        sign_in(client, name, "fel", address="127.0.0.1", forwarded_for="192.0.2.7")
    elsewhere = sign_in(client, "annan", "demo", address="127.0.0.1", forwarded_for="192.0.2.8")
    assert elsewhere.status_code == 302
    # A forged entry before the proxy's own is ignored: the address is still the locked one.
    forged = sign_in(client, "annan", "demo", address="127.0.0.1", forwarded_for="203.0.113.5, 192.0.2.7")
    assert forged.status_code == 429


def test_the_admin_sign_in_is_locked_out_too(client, axes_on):
    UserFactory(username="nodadmin", is_staff=True, is_superuser=True)
    for _ in range(3):
        sign_in(client, "nodadmin", "fel", address="10.1.1.1", url=reverse("admin:login"))
    response = sign_in(client, "nodadmin", "demo", address="10.1.1.1", url=reverse("admin:login"))
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
