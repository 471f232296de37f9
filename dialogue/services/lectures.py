"""Writes for the recorded lecture and its chapters: store, revert, delete.

New files are checked by content before anything is stored. A revert restores
the lecture's text only, and refuses a historical version whose files are not
the stored ones: the facts kept beside a file (size, checksum, type) describe
that file alone.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges

from dialogue import permissions, validation
from dialogue.models import Chapter, Lecture
from dialogue.services.files import removing_new_files_on_error, revert_target
from vision.actors import write_service

FILE_FIELDS = ("video", "poster", "captions")
REVERTED_FIELDS = ("title", "speaker", "affiliation", "given_on", "description", "captions_language")


def _is_new_file(field_file) -> bool:
    return bool(field_file) and not getattr(field_file, "_committed", True)


def lecture_save(
    *,
    lecture: Lecture,
    by,
    chapters: Iterable[Chapter] = (),
    removed_chapters: Iterable[Chapter] = (),
    video: validation.FileFacts | None = None,
    check_files: bool = True,
) -> Lecture:
    """Store a lecture with its new or changed ``chapters``, deleting ``removed_chapters``.

    New files are checked by content unless the caller already did (and hands
    over the video's facts). As for material_upload, only the write after the
    checks is a transaction.
    """
    permissions.require_media_rights(by)
    chapters, removed_chapters = list(chapters), list(removed_chapters)
    if check_files:
        if _is_new_file(lecture.video):
            video = validation.inspect_video(lecture.video.file)
        if _is_new_file(lecture.captions):
            validation.inspect_captions(lecture.captions.file)
        if _is_new_file(lecture.poster):
            validation.inspect_poster(lecture.poster.file)
    if video is not None:
        lecture.size, lecture.sha256, lecture.video_type = video.size, video.sha256, video.content_type
    if not lecture.sha256:
        raise ValidationError({"video": _("A lecture needs a video.")})
    with removing_new_files_on_error(lecture, FILE_FIELDS), transaction.atomic():
        lecture.full_clean(exclude=list(FILE_FIELDS))
        lecture._history_user = by
        lecture.save()
        _write_chapters(lecture=lecture, chapters=chapters, removed=removed_chapters, by=by)
    return lecture


def _write_chapters(*, lecture: Lecture, chapters: list[Chapter], removed: list[Chapter], by) -> None:
    known = [chapter.pk for chapter in [*chapters, *removed] if chapter.pk is not None]
    if Chapter.objects.filter(pk__in=known).exclude(lecture=lecture).exists():
        raise ValueError("A chapter of another lecture was handed to lecture_save.")
    # Removed first, so that a new chapter may take the start of one removed.
    for chapter in removed:
        chapter._history_user = by
        chapter.delete()
    for chapter in chapters:
        chapter.lecture = lecture
        chapter.full_clean()
        chapter._history_user = by
        chapter.save()


def lecture_revert_check(*, record: HistoricalChanges, by) -> Lecture:
    """The stored lecture ``record`` can be reverted to; refuses when a revert would not be correct."""
    permissions.require_media_rights(by)
    return revert_target(
        Lecture,
        record,
        FILE_FIELDS,
        deleted=_("A deleted lecture cannot be restored: add it again with its files instead."),
        other_files=_(
            "This version of the lecture has other files (video, captions or poster) than the stored "
            "one, and old files are not restored: upload them again instead."
        ),
    )


@write_service
def lecture_revert(*, record: HistoricalChanges, by) -> Lecture:
    """Give the stored lecture the text it had in ``record``; its files and chapters stay."""
    current = lecture_revert_check(record=record, by=by)
    for name in REVERTED_FIELDS:
        setattr(current, name, getattr(record, name))
    return lecture_save(lecture=current, by=by, check_files=False)


@write_service
def lecture_delete(*, lecture: Lecture, by) -> None:
    """Delete a lecture and its chapters; the files stay in storage, as the history refers to them."""
    permissions.require_media_rights(by)
    for chapter in lecture.chapters.all():
        chapter._history_user = by
        chapter.delete()
    lecture._history_user = by
    lecture.delete()
