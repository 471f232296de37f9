"""Stored files and rows kept in step: a write that fails leaves no new file behind, and a
revert never brings back other files than the stored ones."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalChanges

from dialogue.history import file_name


@contextmanager
def removing_new_files_on_error(instance: models.Model, field_names: Iterable[str]) -> Iterator[None]:
    """Delete the files stored for ``instance`` inside the block if the block fails.

    A file is stored before its row is written; if the row then fails, the file
    would be left in storage with nothing pointing at it.
    """
    field_names = list(field_names)
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


def revert_target(
    model: type[models.Model],
    record: HistoricalChanges,
    file_fields: Iterable[str],
    *,
    deleted: str,
    other_files: str,
) -> models.Model:
    """The stored row that ``record``, one of its versions, would be reverted on.

    Refused with ``deleted`` when the row is gone, and with ``other_files`` when
    the version has other files: a revert writes text back, never files, and
    the facts kept beside a file (size, checksum) describe that file alone.
    """
    current = model.objects.filter(pk=record.id).first()
    if current is None:
        raise ValidationError(deleted)
    same_files = all(file_name(getattr(record, name)) == getattr(current, name).name for name in file_fields)
    if not same_files or record.sha256 != current.sha256:
        raise ValidationError(other_files)
    return current
