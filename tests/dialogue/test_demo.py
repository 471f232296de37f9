"""The demo media: idempotent, marked as sample text, small enough for the repository."""

from dialogue.demo import DEMO_MEDIA, load_media
from dialogue.models import Chapter, Lecture, Material, Workshop
from tests.dialogue.conftest import stored_files


def test_load_media_is_idempotent_and_marks_sample_text(db, settings, small_tree):
    from vision.models import Unit

    Unit.objects.create(slug="samhallsbyggnadskontoret", name="Samhällsbyggnadskontoret", kind="office")
    assert load_media() is True
    counts = (
        Material.objects.count(),
        Lecture.objects.count(),
        Chapter.objects.count(),
        Workshop.objects.count(),
    )
    files = stored_files(settings)
    assert counts == (1, 1, 4, 2)
    assert load_media() is False
    assert (
        Material.objects.count(),
        Lecture.objects.count(),
        Chapter.objects.count(),
        Workshop.objects.count(),
    ) == counts
    assert stored_files(settings) == files
    assert all(w.important.startswith("Exempeltext") for w in Workshop.objects.all())
    assert Lecture.objects.get().description.startswith("Exempeltext")
    assert Material.objects.get().slide_count == 7


def test_the_demo_video_is_small_enough_for_the_repository():
    assert (DEMO_MEDIA / "lecture-sample.webm").stat().st_size < 1_000_000


def test_the_demo_media_are_written_by_the_system_actor(db, small_tree, system):
    load_media()
    for model in (Material, Lecture, Chapter, Workshop):
        assert {record.history_user for record in model.history.all()} == {system}, model
    assert Workshop.objects.get().recorded_by == system
