def test_healthz_answers_ok_without_sign_in(client, db):
    """/healthz answers 200 'ok' to an anonymous client when the database answers."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
