"""Stored files and rows kept in step: a write that fails leaves no new file behind."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import models


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
