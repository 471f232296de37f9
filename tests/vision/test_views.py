"""vision.views: the health check and the accessibility statement, both open without sign-in."""


def test_healthz_answers_ok_without_sign_in(client, db):
    """/healthz answers 200 'ok' to an anonymous client when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_accessibility_statement_is_public_and_says_how_to_report(client, db):
    response = client.get("/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="mailto:' in html
    assert "https://www.digg.se/tdosanmalan" in html
    assert "WCAG 2.1" in html


def test_accessibility_contact_comes_from_settings(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tillganglighet@norrkoping.example"
    html = client.get("/accessibility/").content.decode()
    assert "mailto:tillganglighet@norrkoping.example" in html
    assert "Sample address" not in html


def test_healthz_names_a_cache_that_keeps_nothing(client, db, settings):
    """A cache that does not answer (here: one that keeps nothing) is a 503 naming the cache."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert list(response.json()["failed"]) == ["cache"]
    assert response["Retry-After"]


def test_healthz_names_media_storage_that_cannot_take_files(client, db, settings, tmp_path):
    """MEDIA_ROOT that is not a writable folder is a 503 naming the media check."""
    not_a_folder = tmp_path / "media"
    not_a_folder.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = str(not_a_folder)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert list(response.json()["failed"]) == ["media"]


def test_healthz_names_a_database_that_does_not_answer(client, db, monkeypatch):
    """A failing query on a real table is a 503 naming the database (outages end to end: tests/test_hardening.py)."""
    from django.db import OperationalError

    from vision.models import MandatePeriod

    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(type(MandatePeriod.objects.all()), "exists", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "database" in response.json()["failed"]
