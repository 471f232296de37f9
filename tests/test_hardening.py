"""Hardening: deploy checks, security headers, CSP, cookies, lock-out, JSON answers from the API."""

import json
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
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
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


def test_nobody_locks_an_account_out_from_another_address(client, axes_on):
    """Failures from one address lock the account there only: its owner still signs in elsewhere.

    Before: the account was locked on its name alone, from every address."""
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(5):
        sign_in(client, "admin", "fel", address="10.0.0.7")
    assert sign_in(client, "admin", "demo", address="10.0.0.7").status_code == 429
    assert sign_in(client, "admin", "demo", address="10.9.9.9").status_code == 302


def test_the_address_is_locked_for_every_account_past_its_own_higher_limit(client, axes_on):
    """An address trying many accounts is locked for all of them once it passes AXES_ADDRESS_FAILURE_LIMIT."""
    UserFactory(username="annan")
    for name in ["a", "b", "c", "d", "e"]:
        sign_in(client, name, "fel", address="10.0.0.8")
    assert sign_in(client, "annan", "demo", address="10.0.0.8").status_code == 302
    client.logout()
    sign_in(client, "f", "fel", address="10.0.0.8")
    assert sign_in(client, "annan", "demo", address="10.0.0.8").status_code == 429
    assert sign_in(client, "annan", "demo", address="10.0.0.9").status_code == 302


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
    for n, name in enumerate(["a", "b", "c", "d", "e", "f"]):
        sign_in(client, name, "fel", address="10.0.0.9", forwarded_for=f"192.0.2.{n}")
    response = sign_in(client, "annan", "demo", address="10.0.0.9", forwarded_for="192.0.2.99")
    assert response.status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_the_one_locked(client, axes_on):
    """With AXES_PROXY_COUNT=1 (nginx in front) clients behind one proxy address are told apart."""
    axes_on.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="annan")
    for name in ["a", "b", "c", "d", "e", "f"]:
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


def test_behind_a_proxy_the_administrator_is_not_locked_out_from_another_address(client, axes_on):
    """AXES_PROXY_COUNT=1: five wrong passwords for ``admin`` from one client leave another client free.

    Before: the same five failures locked ``admin`` out everywhere."""
    axes_on.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(5):
        sign_in(client, "admin", "fel", address="127.0.0.1", forwarded_for="198.51.100.66")
    attacker = sign_in(client, "admin", "demo", address="127.0.0.1", forwarded_for="198.51.100.66")
    assert attacker.status_code == 429
    admin = sign_in(client, "admin", "demo", address="127.0.0.1", forwarded_for="192.0.2.10")
    assert admin.status_code == 302
    assert client.session["_auth_user_id"]


# --- Database outages: 503 with Retry-After on every page, never a 500, never an empty SQLite file ---

OUTAGE_PAGES = ["/", "/goals/", "/goals/1/", "/accounts/login/", "/admin/", "/api/goals/", "/dialogue/"]

OUTAGE_SCRIPT = """
import json, os, sys
from django.conf import settings
from django.db import connections
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
# As a server answers: the test client would re-raise what the handler turned into a response.
settings.ALLOWED_HOSTS = ["testserver"]
# No collectstatic here: the manifest storage would refuse every page for want of its manifest.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
scenario = os.environ["OUTAGE_SCENARIO"]
pages = json.loads(os.environ["OUTAGE_PAGES"])
database = settings.DATABASES["default"]


def answers(client, label):
    out = {}
    for page in pages:
        response = client.get(page, secure=True)
        out[page] = [response.status_code, response.get("Retry-After"), response.get("Content-Type")]
    health = client.get("/healthz", secure=True)
    out["/healthz"] = [health.status_code, health.content.decode()]
    login = client.post("/accounts/login/", {"username": "lasare", "password": "Rätt-lösen-17"}, secure=True)
    out["POST /accounts/login/"] = [login.status_code, login.get("Retry-After"), login.get("Content-Type")]
    print("RESULT", label, json.dumps(out))


if scenario == "sqlite":
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("lasare", password="Rätt-lösen-17")
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)
    made_up = Client(raise_request_exception=False)
    made_up.cookies["sessionid"] = "h17madeupsessionkeyh17madeupsessionkey"
    answers(signed_in, "healthy")
    path = database["NAME"]
    connections.close_all()
    os.rename(path, path + ".away")
    answers(made_up, "moved-made-up-cookie")
    answers(signed_in, "moved-signed-in")
    print("RESULT recreated", json.dumps(os.path.exists(path)))
    connections.close_all()
    os.rename(path + ".away", path)
    # Read-only as the file system would make it (root ignores file modes, so SQLite is told).
    database["NAME"] = "file:" + path + "?mode=ro"
    database.setdefault("OPTIONS", {})["uri"] = True
    answers(signed_in, "read-only")
else:
    made_up = Client(raise_request_exception=False)
    made_up.cookies["sessionid"] = "h17madeupsessionkeyh17madeupsessionkey"
    answers(made_up, "refused-made-up-cookie")
    answers(Client(raise_request_exception=False), "refused-no-cookie")
"""


def run_outage(scenario: str, database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("OIDC_", "DJANGO_"))}
    env.update(PRODUCTION_ENV)
    env.update(
        DATABASE_URL=database_url,
        OUTAGE_SCENARIO=scenario,
        OUTAGE_PAGES=json.dumps(OUTAGE_PAGES),
        LOG_LEVEL="CRITICAL",
        MEDIA_ROOT=str(Path(database_url.removeprefix("sqlite:///")).parent)
        if "sqlite" in database_url
        else "",
    )
    env = {key: value for key, value in env.items() if value != ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", OUTAGE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return {
        label: json.loads(value)
        for label, _, value in (
            line.removeprefix("RESULT ").partition(" ")
            for line in result.stdout.splitlines()
            if line.startswith("RESULT ")
        )
    }


def assert_unavailable(answers: dict, label: str) -> None:
    for page, (status, retry_after, content_type) in ((p, a) for p, a in answers.items() if p != "/healthz"):
        assert status == 503, f"{label}: {page} answered {status}"
        assert retry_after == "30", f"{label}: {page} without Retry-After"
        if page.startswith("/api/"):
            assert content_type == "application/json"


def test_a_moved_or_read_only_sqlite_file_is_a_503_and_never_recreated_empty(tmp_path):
    """SQLite file moved away: every page (with a real or made-up session) and /healthz answer 503
    with Retry-After and no empty file appears; file read-only: reads answer, writes and /healthz 503.

    Before: /healthz said 200, SQLite created an empty file and sign-in failed with 500."""
    answers = run_outage("sqlite", f"sqlite:///{tmp_path / 'vision.sqlite3'}")
    healthy = answers["healthy"]
    assert healthy["/healthz"] == [200, "ok"]
    assert all(healthy[page][0] < 500 for page in OUTAGE_PAGES)
    for label in ["moved-made-up-cookie", "moved-signed-in"]:
        status, body = answers[label].pop("/healthz")
        assert status == 503 and json.loads(body)["failed"] == {"sqlite": "the SQLite file is missing"}
        assert_unavailable(answers[label], label)
    assert answers["recreated"] is False
    read_only = answers["read-only"]
    status, body = read_only.pop("/healthz")
    assert status == 503 and "sqlite" in json.loads(body)["failed"]
    assert read_only["POST /accounts/login/"][:2] == [503, "30"]
    assert read_only["/goals/"][0] == 200


def test_a_postgresql_refusing_connections_is_a_503_even_with_a_session_cookie():
    """PostgreSQL refusing connections (a closed port): 503 with Retry-After on every page, cookie or not.

    Before: any sessionid cookie, even a made-up one, turned the 503 into a 500."""
    answers = run_outage("postgres", "postgres://postgres@127.0.0.1:9/vision_h17_closed")
    for label in ["refused-made-up-cookie", "refused-no-cookie"]:
        status, body = answers[label].pop("/healthz")
        assert status == 503 and "database" in json.loads(body)["failed"]
    assert_unavailable(answers["refused-made-up-cookie"], "refused-made-up-cookie")
    # Without a cookie nothing needs the database until the sign-in: redirects, the form, then 503.
    anonymous = answers["refused-no-cookie"]
    assert {status for status, _, _ in anonymous.values()} <= {200, 302, 401, 503}
    assert anonymous["POST /accounts/login/"][:2] == [503, "30"]


@pytest.mark.parametrize("password", ["demo", ""])
def test_load_demo_refuses_the_demo_or_an_empty_password_with_debug_off(db, settings, password):
    """Before: ``load_demo --password demo`` (and ``--password ''``) was accepted with DEBUG=0."""
    from django.contrib.auth import get_user_model
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="password of your own"):
        call_command("load_demo", "--password", password)
    assert not get_user_model().objects.filter(username="admin").exists()
