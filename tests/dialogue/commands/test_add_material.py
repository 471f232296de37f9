"""add_material stores a deck checked like an admin upload, acting as the system actor."""

import pytest

from dialogue.models import Material
from tests.dialogue.conftest import PNG, stored_files
from tests.factories import _sample_pptx


def test_add_material_command_stores_a_deck_and_refuses_a_bad_file(db, settings, tmp_path):
    from django.core.management import CommandError, call_command

    deck = tmp_path / "dialogmaterial.pptx"
    deck.write_bytes(_sample_pptx([("Vår vision", "Anteckning")]))
    call_command(
        "add_material", str(deck), "--title", "Dialogmaterial", "--material-version", "3", verbosity=0
    )
    material = Material.objects.get()
    assert (material.version, material.slide_count, material.size) == ("3", 1, deck.stat().st_size)

    fake = tmp_path / "fake.pptx"
    fake.write_bytes(PNG)
    with pytest.raises(CommandError, match="neither a PowerPoint presentation"):
        call_command(
            "add_material", str(fake), "--title", "Dialogmaterial", "--material-version", "4", verbosity=0
        )
    assert Material.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_add_material_acts_as_the_system_actor(db, tmp_path, system):
    from django.core.management import call_command

    deck = tmp_path / "dialogmaterial.pptx"
    deck.write_bytes(_sample_pptx())
    call_command(
        "add_material", str(deck), "--title", "Dialogmaterial", "--material-version", "1", verbosity=0
    )
    material = Material.objects.get()
    assert material.uploaded_by == system
    assert material.history.get().history_user == system
