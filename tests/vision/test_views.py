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
