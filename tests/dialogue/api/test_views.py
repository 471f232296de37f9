"""The read-only JSON for dialogue material and lectures, and its schema."""

from django.test import Client

from dialogue.models import Chapter
from tests.factories import MaterialFactory


def test_api_lists_material_and_lectures_with_urls_sizes_and_checksums(reader_client, material, lecture):
    materials = reader_client.get("/api/dialogue/materials/").json()["results"]
    assert materials[0]["file_url"] == f"http://testserver{material.file_url}"
    assert {k: materials[0][k] for k in ("title", "version", "size", "sha256", "slide_count")} == {
        "title": material.title,
        "version": "2.0",
        "size": material.size,
        "sha256": material.sha256,
        "slide_count": 1,
    }
    lectures = reader_client.get("/api/dialogue/lectures/").json()["results"]
    assert lectures[0]["video_url"].endswith(lecture.video_url)
    assert lectures[0]["captions_url"].endswith(lecture.captions_url)
    assert (lectures[0]["size"], lectures[0]["sha256"]) == (lecture.size, lecture.sha256)
    assert [c["start"] for c in lectures[0]["chapters"]] == [0, 16]
    detail = reader_client.get(f"/api/dialogue/materials/{material.pk}/").json()
    assert detail["sha256"] == material.sha256
    # The URL the API gives out is the protected view: it serves the bytes to this user.
    assert reader_client.get(material.file_url).status_code == 200


def test_api_refuses_anonymous_callers(db):
    assert Client().get("/api/dialogue/materials/").status_code in (401, 403)


def test_api_is_read_only(reader_client, material):
    assert reader_client.post("/api/dialogue/materials/", {}).status_code == 405
    assert reader_client.delete(f"/api/dialogue/materials/{material.pk}/").status_code == 405


def test_api_queries_stay_flat(reader_client, lecture, django_assert_max_num_queries):
    for n in range(20):
        Chapter.objects.create(lecture=lecture, start=200 + n, title=f"K{n}")
        MaterialFactory()
    with django_assert_max_num_queries(5):  # session, user, count, page, prefetch
        reader_client.get("/api/dialogue/lectures/")
    with django_assert_max_num_queries(5):  # session, user, count, page, prefetch
        reader_client.get("/api/dialogue/materials/")


def test_the_schema_documents_the_dialogue_endpoints_and_is_valid(db):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/dialogue/materials/" in schema["paths"]
    assert "/api/dialogue/lectures/{id}/" in schema["paths"]
    material = schema["components"]["schemas"]["Material"]["properties"]
    assert material["file_url"]["format"] == "uri"
    lecture = schema["components"]["schemas"]["Lecture"]["properties"]
    assert lecture["captions_url"]["nullable"] is True
