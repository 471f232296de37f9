"""Set-up the benchmarks share: Django, a throw-away database, a generated period."""

import os
import tempfile
from contextlib import contextmanager

import django


def setup_django(settings_module: str = "vision.settings", **environ: str) -> None:
    """Start Django; ``environ`` gives defaults for environment variables the settings read."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    for name, value in environ.items():
        os.environ.setdefault(name, value)
    django.setup()


@contextmanager
def throwaway_database(name: str):
    """A test database (test_<name>) made for the run and dropped afterwards.

    On SQLite a file rather than the test runner's in-memory default: closer to a
    real installation.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(tempfile.mkdtemp(), f"{name}.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def generate_period(goals: int) -> None:
    """One current period of ``goals`` synthetic goals, as `generate_goals --goals N --periods 1` makes it."""
    from django.core.management import call_command

    with open(os.devnull, "w") as quiet:
        call_command("generate_goals", goals=goals, periods=1, stdout=quiet)


def system_actor():
    """The account the benchmarks write as, as the commands do (imported once Django has started)."""
    from vision.actors import system_actor as actor

    return actor()
