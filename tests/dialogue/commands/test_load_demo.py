"""load_demo adds the demo media once."""

import pytest

from dialogue.models import Lecture, Material, Workshop
from tests.dialogue.conftest import stored_files


@pytest.mark.django_db
def test_load_demo_twice_adds_no_media(settings):
    from django.core.management import call_command

    call_command("load_demo", "--no-accounts", verbosity=0)
    counts = (Material.objects.count(), Lecture.objects.count(), Workshop.objects.count())
    assert counts == (1, 1, 2)
    assert Workshop.objects.filter(goals__isnull=False).distinct().count() == 2
    call_command("load_demo", "--no-accounts", verbosity=0)
    assert (Material.objects.count(), Lecture.objects.count(), Workshop.objects.count()) == counts
    assert len(stored_files(settings)) == 4
