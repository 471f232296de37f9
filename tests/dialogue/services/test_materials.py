"""The material services: administrators only, a stored version keeps its file, nothing left behind on failure."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from dialogue import services
from dialogue.models import Material
from tests.dialogue.conftest import stored_files, upload
from tests.factories import UserFactory, _sample_pptx


def new_material(version="1") -> Material:
    return Material(title="Dialogmaterial", version=version, file=upload("deck.pptx", _sample_pptx()))


@pytest.fixture
def outsiders(editor, reader):
    """Everyone but administrators, including staff holding every material permission of the admin."""
    staff = UserFactory(username="personal", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="_material"))
    return [editor, reader, staff]


def row(material) -> tuple:
    stored = Material.objects.get(pk=material.pk)
    return stored.title, stored.version, stored.file.name, stored.sha256


def test_a_failed_save_after_storing_removes_the_file(db, settings, monkeypatch, system):
    def failing_save(self, *args, **kwargs):
        self.file.save(self.file.name, self.file.file, save=False)
        assert stored_files(settings) != []
        raise IntegrityError("simulated")

    monkeypatch.setattr(Material, "save", failing_save)
    material = Material(title="T", version="1", file=upload("deck.pptx", _sample_pptx()))
    with pytest.raises(IntegrityError):
        services.material_upload(material=material, by=system)
    assert stored_files(settings) == []


def test_upload_is_refused_to_all_but_administrators_and_stores_nothing(outsiders, settings):
    for user in outsiders:
        with pytest.raises(PermissionDenied, match="Only an administrator"):
            services.material_upload(material=new_material(), by=user)
    assert Material.objects.count() == 0
    assert stored_files(settings) == []


def test_an_upload_names_its_uploader_in_the_row_and_the_history(admin_user):
    material = services.material_upload(material=new_material(), by=admin_user)
    assert material.uploaded_by == admin_user
    assert material.history.get().history_user == admin_user


def test_update_changes_title_and_version_only(material, admin_user):
    file_name, sha256 = material.file.name, material.sha256
    material.sha256 = "0" * 64  # not editable: the update must not carry it to the row
    services.material_update(material=material, title="Nytt namn", version="2.1", by=admin_user)
    assert row(material) == ("Nytt namn", "2.1", file_name, sha256)
    latest = material.history.first()
    assert (latest.history_user, latest.sha256) == (admin_user, sha256)


def test_update_revert_and_delete_are_refused_to_all_but_administrators(material, outsiders):
    services.material_update(material=material, title="Ändrad", version="2.0", by=material.uploaded_by)
    first_version = material.history.order_by("history_id").first()
    before = row(material)
    for user in outsiders:
        with pytest.raises(PermissionDenied):
            services.material_update(material=material, title="Kapad", version="9", by=user)
        with pytest.raises(PermissionDenied):
            services.material_revert(record=first_version, by=user)
        with pytest.raises(PermissionDenied):
            services.material_delete(material=material, by=user)
    assert row(material) == before


def test_revert_restores_title_and_version_and_records_who_reverted(material, admin_user):
    first_version = material.history.get()
    services.material_update(material=material, title="Fel titel", version="2.0-fel", by=admin_user)
    reverted = services.material_revert(record=first_version, by=admin_user)
    assert row(material)[:2] == (first_version.title, "2.0")
    assert reverted.history.first().history_user == admin_user


def test_revert_to_a_version_with_another_file_is_refused(material, admin_user):
    version = material.history.get()
    version.file, version.sha256 = "dialogue/material/annan.pptx", "1" * 64
    version.save()
    services.material_update(material=material, title="Ny titel", version="2.0", by=admin_user)
    before = row(material)
    with pytest.raises(ValidationError, match="another file"):
        services.material_revert(record=version, by=admin_user)
    assert row(material) == before


def test_a_deleted_version_is_not_restored(material, admin_user):
    version = material.history.get()
    services.material_delete(material=material, by=admin_user)
    with pytest.raises(ValidationError, match="deleted version"):
        services.material_revert(record=version, by=admin_user)
    assert Material.objects.count() == 0
    assert Material.history.filter(history_type="-").get().history_user == admin_user
