"""Single sign-on against an identity provider faked at the HTTP boundary.

The fake answers the discovery document, the JWKS, the token and the userinfo
endpoints through requests' transport adapter, so everything above it (the
real requests calls of mozilla-django-oidc, signature and claim checks,
sessions) runs as in production.
"""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UnitFactory, UserFactory
from vision.models import UnitMembership, UnitRole

ISSUER = "https://idp.example.org/tenant"
CLIENT_ID = "vision-intranet"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


PROVIDER_KEY = new_key()
ATTACKER_KEY = new_key()


class FakeProvider:
    """An OpenID provider reduced to its four HTTP answers."""

    def __init__(self):
        self.id_claims: dict = {}
        self.userinfo: dict = {}
        self.signing_key = PROVIDER_KEY
        self.token_requests: list[dict] = []
        self.calls: list[str] = []

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": "sub-123",
            "iat": now,
            "exp": now + 600,
            "nonce": nonce,
            **self.id_claims,
        }
        return jwt.encode(claims, self.signing_key, algorithm="RS256", headers={"kid": "key-1"})

    def answer(self, request: requests.PreparedRequest):
        url = urlparse(request.url)
        self.calls.append(url.path)
        if url.path == "/tenant/.well-known/openid-configuration":
            return 200, {
                "issuer": ISSUER,
                "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token",
                "userinfo_endpoint": f"{ISSUER}/userinfo",
                "jwks_uri": f"{ISSUER}/keys",
            }
        if url.path == "/tenant/keys":
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(PROVIDER_KEY.public_key()))
            return 200, {"keys": [{**public, "kid": "key-1", "alg": "RS256", "use": "sig"}]}
        if url.path == "/tenant/token":
            form = {key: values[0] for key, values in parse_qs(request.body).items()}
            self.token_requests.append(form)
            if form.get("code") != "good-code":
                return 400, {"error": "invalid_grant"}
            return 200, {
                "access_token": "access-1",
                "id_token": self.id_token(self.nonce),
                "token_type": "Bearer",
            }
        if url.path == "/tenant/userinfo":
            if request.headers.get("Authorization") != "Bearer access-1":
                return 401, {"error": "invalid_token"}
            return 200, {"sub": "sub-123", **self.userinfo}
        return 404, {"error": "not found"}


@pytest.fixture
def provider(settings, monkeypatch, db):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_DISCOVERY_URL = f"{ISSUER}/.well-known/openid-configuration"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "vision.auth.OIDCBackend"]
    settings.OIDC_ADMIN_GROUPS = []
    settings.OIDC_UNIT_GROUPS = []
    cache.clear()
    fake = FakeProvider()

    def send(adapter, request, **kwargs):
        status, body = fake.answer(request)
        response = requests.Response()
        response.status_code = status
        response._content = json.dumps(body).encode()
        response.headers["Content-Type"] = "application/json"
        response.url = request.url
        response.request = request
        return response

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    yield fake
    cache.clear()


def sign_in(client, provider, code="good-code", nonce=None, next_url="/goals/"):
    """Walk the browser's part: start at the app, 'come back' from the provider with a code."""
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url})
    assert start.status_code == 302
    location = urlparse(start["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    provider.nonce = nonce or query["nonce"]
    provider.authorize_query = query
    return client.get(reverse("oidc_authentication_callback"), {"code": code, "state": query["state"]})


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def refused(response, client):
    return (
        response.status_code == 302
        and response["Location"] == reverse("login") + "?sso=failed"
        and signed_in_user(client) is None
    )


def test_sign_in_matches_an_existing_user_by_email(client, provider):
    """The provider's e-mail finds the local account (case-insensitively); no second account is made."""
    person = UserFactory(username="karin", email="karin.berg@norrkoping.se")
    provider.userinfo = {"email": "Karin.Berg@Norrkoping.se"}
    response = sign_in(client, provider)
    assert response.status_code == 302 and response["Location"] == "/goals/"
    assert signed_in_user(client) == person
    assert get_user_model().objects.count() == 1


def test_the_flow_uses_discovery_pkce_and_the_client_credentials(client, provider):
    provider.userinfo = {"email": "ny@norrkoping.se"}
    sign_in(client, provider)
    assert provider.calls[0] == "/tenant/.well-known/openid-configuration"
    assert {"/tenant/token", "/tenant/keys", "/tenant/userinfo"} <= set(provider.calls)
    assert provider.authorize_query["code_challenge_method"] == "S256"
    token_request = provider.token_requests[0]
    assert token_request["client_id"] == CLIENT_ID
    assert token_request["code"] == "good-code"
    assert len(token_request["code_verifier"]) >= 43


def test_a_new_user_is_created_named_by_email_without_a_password(client, provider):
    provider.userinfo = {"email": "Ny.Person@norrkoping.se", "given_name": "Ny", "family_name": "Person"}
    sign_in(client, provider)
    user = signed_in_user(client)
    assert user.username == "ny.person@norrkoping.se"
    assert (user.first_name, user.last_name) == ("Ny", "Person")
    assert not user.has_usable_password()
    assert not user.is_staff


def test_groups_claim_maps_to_unit_roles_and_administrator(client, provider, settings):
    """Groups in the ID token give an editor role per unit, and the administrator role."""
    office = UnitFactory(slug="utbildningskontoret")
    other = UnitFactory(slug="socialkontoret")
    settings.OIDC_UNIT_GROUPS = [
        "grp-utb-red=utbildningskontoret:editor",
        "grp-soc-las=socialkontoret:viewer",
    ]
    settings.OIDC_ADMIN_GROUPS = ["grp-admins"]
    provider.id_claims = {"groups": ["grp-utb-red", "grp-soc-las", "unrelated"]}
    provider.userinfo = {"email": "red@norrkoping.se"}
    sign_in(client, provider)
    user = signed_in_user(client)
    roles = dict(UnitMembership.objects.filter(user=user).values_list("unit__slug", "role"))
    assert roles == {office.slug: UnitRole.EDITOR, other.slug: UnitRole.VIEWER}
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("goals.change_goal")

    client.logout()
    provider.id_claims = {"groups": ["grp-admins"]}
    sign_in(client, provider)
    user.refresh_from_db()
    assert user.is_superuser and user.is_staff
    assert not UnitMembership.objects.filter(user=user).exists()

    client.logout()
    provider.id_claims = {"groups": []}
    sign_in(client, provider)
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff


def test_a_bad_signature_is_refused(client, provider):
    """A token signed by someone else's key, under the provider's key id, signs nobody in."""
    UserFactory(username="karin", email="karin@norrkoping.se")
    provider.userinfo = {"email": "karin@norrkoping.se"}
    provider.signing_key = ATTACKER_KEY
    assert refused(sign_in(client, provider), client)


def test_an_expired_token_is_refused(client, provider):
    UserFactory(username="karin", email="karin@norrkoping.se")
    provider.userinfo = {"email": "karin@norrkoping.se"}
    provider.id_claims = {"iat": int(time.time()) - 7200, "exp": int(time.time()) - 3600}
    assert refused(sign_in(client, provider), client)


@pytest.mark.parametrize(
    "claims",
    [{"aud": "another-app"}, {"iss": "https://evil.example.org"}],
    ids=["wrong-audience", "wrong-issuer"],
)
def test_a_token_for_another_audience_or_from_another_issuer_is_refused(client, provider, claims):
    provider.userinfo = {"email": "karin@norrkoping.se"}
    provider.id_claims = claims
    assert refused(sign_in(client, provider), client)


def test_a_replayed_nonce_is_refused(client, provider):
    provider.userinfo = {"email": "karin@norrkoping.se"}
    assert refused(sign_in(client, provider, nonce="someone-elses-nonce"), client)


def test_a_code_the_provider_rejects_signs_nobody_in(client, provider):
    provider.userinfo = {"email": "karin@norrkoping.se"}
    assert refused(sign_in(client, provider, code="stolen-code"), client)


def test_userinfo_about_another_subject_is_refused(client, provider):
    provider.userinfo = {"email": "karin@norrkoping.se", "sub": "sub-999"}
    assert refused(sign_in(client, provider), client)


def test_a_local_break_glass_superuser_is_never_taken_over_by_sign_on(client, provider):
    """Sign-on with the e-mail of a local superuser (with a password) does not sign in as them."""
    admin = UserFactory(username="nodadmin", email="it@norrkoping.se", is_staff=True, is_superuser=True)
    provider.userinfo = {"email": "it@norrkoping.se"}
    response = sign_in(client, provider)
    assert response.status_code == 302
    assert signed_in_user(client) != admin
    assert not signed_in_user(client).is_superuser


def test_local_accounts_keep_working_with_sign_on_switched_on(client, provider):
    UserFactory(username="nodadmin", is_staff=True, is_superuser=True)
    response = client.post(reverse("login"), {"username": "nodadmin", "password": "demo"})
    assert response.status_code == 302
    assert signed_in_user(client).username == "nodadmin"


def test_sign_on_pages_answer_404_when_not_configured(client, db):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback"), {"code": "x", "state": "y"}).status_code == 404


def test_the_sign_in_page_is_told_whether_sign_on_is_offered(client, provider):
    assert client.get(reverse("login")).context["oidc_enabled"] is True


def test_the_sign_in_page_is_told_when_sign_on_was_refused(client, provider):
    provider.userinfo = {"email": "karin@norrkoping.se"}
    provider.signing_key = ATTACKER_KEY
    response = sign_in(client, provider)
    page = client.get(response["Location"])
    assert page.context["sso_failed"] is True
    assert "Enkel inloggning släppte inte in dig" in page.text
    plain = client.get(reverse("login"))
    assert plain.context["sso_failed"] is False
    assert "Enkel inloggning släppte inte in dig" not in plain.text


def test_the_language_can_be_chosen_before_signing_in_and_keeps_next(client, db):
    """The sign-in page's language button works signed out and returns to the sign-in page asked for."""
    next_url = "/accounts/login/?next=/goals/5/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert client.cookies["django_language"].value == "en"
    page = client.get(next_url).content.decode()
    assert '<html lang="en">' in page and 'name="next" value="/goals/5/"' in page


def test_signing_in_lands_on_the_page_asked_for(client, db):
    UserFactory(username="lasare")
    response = client.post(
        "/accounts/login/", {"username": "lasare", "password": "demo", "next": "/search/?q=skola"}
    )
    assert response.status_code == 302 and response["Location"] == "/search/?q=skola"


def test_a_message_after_an_action_is_a_status_region_holding_a_plain_list(client, db):
    """Every page shows a waiting message in a div role=status around a plain list (no listitem/aria-allowed-role)."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    client.force_login(UserFactory(username="lasare"))
    client.cookies["messages"] = CookieStorage(None)._encode([Message(constants.SUCCESS, "Sparat.")])
    html = client.get("/accessibility/").content.decode()
    assert '<div class="messages" role="status"><ul><li class="success">Sparat.</li></ul></div>' in html
