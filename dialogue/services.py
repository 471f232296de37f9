"""Writes for dialogue material, lectures and workshops. Each service is one transaction.

A file is stored before its row is written; if the row then fails, the stored
file is deleted again, so a refused or failed upload leaves nothing behind.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dialogue import validation
from dialogue.models import Lecture, Material, Workshop
from goals.models import Goal
from vision.models import Unit, UnitRole


def units_for_workshops(user):
    """Units whose workshops the user may record: any membership or editor rights."""
    if not user.is_authenticated:
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    editable = Unit.objects.editable_by(user).values("pk")
    return Unit.objects.filter(
        Q(pk__in=editable)
        | Q(memberships__user=user, memberships__role__in=[UnitRole.EDITOR, UnitRole.VIEWER])
    ).distinct()


@contextmanager
def _removing_new_files_on_error(instance, field_names: Iterable[str]):
    before = {name: getattr(instance, name).name for name in field_names}
    try:
        yield
    except BaseException:
        for name in field_names:
            field_file = getattr(instance, name)
            if (
                field_file.name
                and field_file.name != before[name]
                and getattr(field_file, "_committed", True)
            ):
                field_file.storage.delete(field_file.name)
        raise


def material_upload(*, material: Material, user=None, facts: validation.FileFacts | None = None) -> Material:
    """Check an unsaved material's file by content, read its facts, and store it."""
    upload = material.file.file
    if facts is None:
        facts = validation.inspect_material(upload)
    material.kind = facts.kind
    material.size = facts.size
    material.sha256 = facts.sha256
    material.slide_count = facts.slide_count
    material.outline = facts.outline
    material.outline_text = facts.outline_text
    if user is not None and user.is_authenticated:
        material.uploaded_by = user
    material.full_clean(exclude=["file", "uploaded_by"])
    with _removing_new_files_on_error(material, ["file"]), transaction.atomic():
        material.save()
    return material


def lecture_save(
    *,
    lecture: Lecture,
    video: validation.FileFacts | None = None,
    check_files: bool = True,
) -> Lecture:
    """Store a lecture; new files are checked by content unless the caller already did."""
    if check_files:
        if lecture.video and not getattr(lecture.video, "_committed", True):
            video = validation.inspect_video(lecture.video.file)
        if lecture.captions and not getattr(lecture.captions, "_committed", True):
            validation.inspect_captions(lecture.captions.file)
        if lecture.poster and not getattr(lecture.poster, "_committed", True):
            validation.inspect_poster(lecture.poster.file)
    if video is not None:
        lecture.size, lecture.sha256, lecture.video_type = video.size, video.sha256, video.content_type
    if not lecture.sha256:
        raise ValidationError({"video": _("A lecture needs a video.")})
    lecture.full_clean(exclude=["video", "poster", "captions"])
    with _removing_new_files_on_error(lecture, ["video", "poster", "captions"]), transaction.atomic():
        lecture.save()
    return lecture


def check_workshop_goals(*, unit: Unit, goals: Iterable[Goal]) -> None:
    foreign = [goal.title for goal in goals if goal.owner_id != unit.pk]
    if foreign:
        raise ValidationError(
            {
                "goals": _("A workshop supports its own unit's goals; not: %(goals)s.")
                % {"goals": ", ".join(foreign)}
            }
        )


@transaction.atomic
def workshop_save(*, workshop: Workshop, goals: Iterable[Goal], user) -> Workshop:
    """Record (or correct) a work group's workshop for a unit the user belongs to.

    ``user=None`` is for commands (demo data, imports), which act for the system.
    """
    if user is not None and not units_for_workshops(user).filter(pk=workshop.unit_id).exists():
        raise PermissionDenied(_("Only a member or editor of the unit can record its workshops."))
    goals = list(goals)
    check_workshop_goals(unit=workshop.unit, goals=goals)
    if workshop.pk is None and user is not None and user.is_authenticated:
        workshop.recorded_by = user
    workshop.full_clean(exclude=["recorded_by"])
    workshop.save()
    workshop.goals.set(goals)
    return workshop
