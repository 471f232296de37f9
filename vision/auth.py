"""Sign-in: the login requirement, and single sign-on through OpenID Connect.

Local Django accounts always work, so break-glass administrators can sign in
when the identity provider is down. OpenID Connect (Entra ID, ADFS) is on when
OIDC_RP_CLIENT_ID is set; its users are matched by e-mail and their roles can
follow the provider's groups claim (settings OIDC_ADMIN_GROUPS, OIDC_UNIT_GROUPS).
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.http import Http404, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import path
from django.utils.translation import gettext as _
from django.views.i18n import set_language
from mozilla_django_oidc import views as oidc_views
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from vision.actors import system_actor
from vision.models import Unit, UnitMembership, UnitRole
from vision.services import membership_grant, membership_revoke

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
DISCOVERY_CACHE_SECONDS = 3600
CLOCK_SKEW_SECONDS = 60
# Which key of the provider's discovery document stands in for which setting.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_ISSUER": "issuer",
}


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's login requirement, answering API clients in JSON instead of redirecting them."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Open views first, before ``request.user`` reads the session: the public site's
        # anonymous responses then carry no ``Vary: Cookie`` and shared caches may keep them.
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": _("Authentication credentials were not provided.")},
                status=401,
                headers={"WWW-Authenticate": 'Session realm="api"'},
            )
        return super().handle_no_permission(request, view_func)


class SignInView(auth_views.LoginView):
    """Django's sign-in page, told whether single sign-on is offered."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        # Set when single sign-on sent the user back refused (the reason is in the log).
        context["sso_failed"] = settings.OIDC_ENABLED and self.request.GET.get("sso") == "failed"
        return context


def provider_metadata() -> dict:
    """The provider's discovery document, fetched once an hour at most."""
    url = settings.OIDC_OP_DISCOVERY_URL
    if not url:
        return {}
    key = f"oidc-discovery:{url}"
    metadata = cache.get(key)
    if metadata is None:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        metadata = response.json()
        cache.set(key, metadata, DISCOVERY_CACHE_SECONDS)
    return metadata


def oidc_setting(attr, *default):
    """A mozilla-django-oidc setting; provider endpoints left empty come from discovery."""
    value = getattr(settings, attr, None)
    if attr in DISCOVERED and not settings.OIDC_ENABLED:
        return value  # the views answer 404 before using it
    if attr in DISCOVERED and not value and settings.OIDC_OP_DISCOVERY_URL:
        value = provider_metadata().get(DISCOVERED[attr])
    if value in (None, "") and attr in DISCOVERED:
        if default:
            return default[0]
        raise ImproperlyConfigured(f"{attr} is neither set nor published by the provider's discovery URL.")
    if value is None:
        return import_from_settings(attr, *default)
    return value


def username_from_email(email, claims=None) -> str:
    """Name new single sign-on accounts by their e-mail address, as people know them."""
    return (email or "").strip().lower()[:150]


class OIDCBackend(OIDCAuthenticationBackend):
    """Sign-in through the municipality's identity provider."""

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as error:
            # The callback sends the user back to the sign-in page; the reason goes to the log.
            logger.warning("Single sign-on refused: %s", error)
            return None

    def _verify_jws(self, payload, key):
        """Check signature, algorithm, audience, issuer and expiry of a token from the provider."""
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Unreadable token: {error}") from error
        if algorithm != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(
                f"Token signed with {algorithm!r}, expected {self.OIDC_RP_SIGN_ALGO!r}."
            )
        issuer = self.get_settings("OIDC_OP_ISSUER", "")
        try:
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer or None,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iat", "aud"], "verify_iss": bool(issuer)},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Token refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims (where Entra ID puts groups) completed by the userinfo endpoint."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") and payload.get("sub") and userinfo["sub"] != payload["sub"]:
            raise SuspiciousOperation("The userinfo answer is about someone else than the ID token.")
        return {**payload, **userinfo}

    def filter_users_by_claims(self, claims):
        """Match by e-mail; a local superuser account (break-glass) is never taken over by sign-on."""
        users = super().filter_users_by_claims(claims).filter(is_active=True)
        return [user for user in users if not (user.is_superuser and user.has_usable_password())]

    def create_user(self, claims):
        user = self.UserModel(
            username=self.get_username(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
        )
        user.set_unusable_password()
        user.save()
        sync_roles(user, claims)
        return user

    def update_user(self, user, claims):
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = claims.get(claim)
            if value and getattr(user, field) != value[:150]:
                setattr(user, field, value[:150])
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        sync_roles(user, claims)
        return user


def parse_unit_groups(entries: list[str]) -> list[tuple[str, str, str]]:
    """Read OIDC_UNIT_GROUPS entries of the form ``group=unit-slug:role``."""
    mapping = []
    for entry in entries:
        group, _, target = entry.partition("=")
        slug, _, role = target.partition(":")
        if not group or not slug or role not in UnitRole.values:
            raise ImproperlyConfigured(
                f"OIDC_UNIT_GROUPS entry {entry!r} is not of the form group=unit-slug:editor|viewer."
            )
        mapping.append((group.strip(), slug.strip(), role))
    return mapping


def sync_roles(user, claims) -> None:
    """Make the user's roles follow the groups claim, for the groups the settings name."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    groups = {groups} if isinstance(groups, str) else set(groups)
    _sync_administrator(user, groups)
    _sync_unit_roles(user, groups)


def _sync_administrator(user, groups: set[str]) -> None:
    admin_groups = set(settings.OIDC_ADMIN_GROUPS)
    if not admin_groups:
        return
    if groups & admin_groups:
        if not (user.is_staff and user.is_superuser):
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
    elif user.is_superuser and not user.has_usable_password():
        # Left the administrators' group at the provider; local accounts keep their rights.
        user.is_superuser = False
        user.is_staff = UnitMembership.objects.filter(user=user, role=UnitRole.EDITOR).exists()
        user.save(update_fields=["is_staff", "is_superuser"])


def _sync_unit_roles(user, groups: set[str]) -> None:
    mapping = parse_unit_groups(settings.OIDC_UNIT_GROUPS)
    if not mapping:
        return
    units = {unit.slug: unit for unit in Unit.objects.filter(slug__in={slug for _, slug, _ in mapping})}
    wanted: dict[str, str] = {}
    for group, slug, role in mapping:
        if slug not in units:
            logger.warning("OIDC_UNIT_GROUPS names the unknown unit %r", slug)
            continue
        if group in groups and wanted.get(slug) != UnitRole.EDITOR:
            wanted[slug] = role
    current = dict(
        UnitMembership.objects.filter(user=user, unit__slug__in=units).values_list("unit__slug", "role")
    )
    # The provider's groups decide these roles; the change is the system's, not the signing-in user's.
    by = system_actor()
    for slug, unit in units.items():
        if slug in wanted and current.get(slug) != wanted[slug]:
            membership_grant(by=by, user=user, unit=unit, role=wanted[slug])
        elif slug not in wanted and slug in current:
            membership_revoke(by=by, user=user, unit=unit)


class OIDCAuthenticationRequestView(oidc_views.OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)


class OIDCCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    @property
    def failure_url(self):
        return resolve_url(settings.LOGIN_REDIRECT_URL_FAILURE) + "?sso=failed"

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)


# Mounted under /i18n/: the sign-in page has a language button too, so choosing a
# language must work before signing in (set_language keeps the ``next`` it is given).
i18n_urlpatterns = [path("setlang/", login_not_required(set_language), name="set_language")]


# Mounted under /oidc/; open to anonymous users, who are on their way to signing in.
oidc_urlpatterns = [
    path(
        "authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path("callback/", login_not_required(OIDCCallbackView.as_view()), name="oidc_authentication_callback"),
]


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out account or address (django-axes' AXES_LOCKOUT_CALLABLE)."""
    from axes.helpers import get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def client_ip(request) -> str | None:
    """The client's address for the lock-out (django-axes' AXES_CLIENT_IP_CALLABLE).

    Each proxy appends the address it was called from to X-Forwarded-For, so
    with N proxies in front the client is the N-th entry from the end; entries
    before it are whatever the client sent and are not trusted.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
