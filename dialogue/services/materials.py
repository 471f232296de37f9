"""Writes for the dialogue material: upload a version, correct its title, revert it, delete it.

A stored version never changes its file: a new deck is a new version. So a
revert restores the title and version label only, and refuses a historical
version whose file is not the stored one.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from dialogue import permissions, previews, validation
from dialogue.models import Material, MaterialKind, PreviewStatus
from dialogue.services.files import removing_new_files_on_error, revert_target
from vision.actors import write_service

# Everything else was read from the file at upload and stays with it.
EDITABLE_FIELDS = ("title", "version")


def material_upload(*, material: Material, by, facts: validation.FileFacts | None = None) -> Material:
    """Check an unsaved material's file by content, read its facts, and store it.

    Not a write_service: reading a deck of tens of megabytes takes seconds, and only
    the write after it is a transaction (SQLite would hold its write lock meanwhile).
    """
    permissions.require_media_rights(by)
    if facts is None:
        facts = validation.inspect_material(material.file.file)
    material.kind = facts.kind
    material.size = facts.size
    material.sha256 = facts.sha256
    material.slide_count = facts.slide_count
    material.outline = facts.outline
    material.outline_text = facts.outline_text
    material.uploaded_by = by
    material._history_user = by
    material.previews, material.previews_status, material.previews_error = [], PreviewStatus.PENDING, ""
    with removing_new_files_on_error(material, ["file"]), transaction.atomic():
        material.full_clean(exclude=["file", "uploaded_by"])
        material.save()
        if material.kind == MaterialKind.PPTX:
            previews.schedule_material_previews(material.pk)
    return material


@write_service
def material_store_previews(
    *, material: Material, by, images: list[previews.SlideImage], error: str = ""
) -> Material:
    """Record the slide images render_previews made (or why it could not make them)."""
    permissions.require_media_rights(by)
    stored = Material.objects.select_for_update().get(pk=material.pk)
    stored.previews = [image.as_json() for image in images]
    stored.previews_status = PreviewStatus.FAILED if error else PreviewStatus.READY
    stored.previews_error = error
    stored._history_user = by
    stored.save(update_fields=["previews", "previews_status", "previews_error"])
    return stored


@write_service
def material_update(*, material: Material, by, title: str, version: str) -> Material:
    """Correct the title or version label of a stored version; its file and facts stay as they are."""
    permissions.require_media_rights(by)
    # Re-read, so that nothing but the editable fields can reach the row or its history.
    stored = Material.objects.select_for_update().get(pk=material.pk)
    stored.title, stored.version = title, version
    stored.full_clean(exclude=["file", "uploaded_by"])
    stored._history_user = by
    stored.save(update_fields=list(EDITABLE_FIELDS))
    return stored


def material_revert_check(*, record: HistoricalChanges, by) -> Material:
    """The stored material ``record`` can be reverted to; refuses when a revert would not be correct."""
    permissions.require_media_rights(by)
    return revert_target(
        Material,
        record,
        ["file"],
        deleted=_("A deleted version of the material cannot be restored: upload its file again instead."),
        other_files=_(
            "This version has another file than the stored one, and a stored version never changes "
            "its file: upload that file as a new version instead."
        ),
    )


@write_service
def material_revert(*, record: HistoricalChanges, by) -> Material:
    """Give a stored material the title and version label it had in ``record``."""
    current = material_revert_check(record=record, by=by)
    return material_update(material=current, by=by, title=record.title, version=record.version)


@write_service
def material_delete(*, material: Material, by) -> None:
    """Delete a version of the material; its file stays in storage, as its history refers to it."""
    permissions.require_media_rights(by)
    material._history_user = by
    material.delete()
