"""The documented backup restores: deploy/backup.sh and deploy/restore.sh on PostgreSQL.

Back up, then change and delete goals, links, workshops, lectures and media files,
restore, and find every row (history included) and every media file back byte for byte.
"""

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, connections

from dialogue import services as dialogue_services
from goals import services
from tests.conftest import skip_or_fail
from tests.factories import LectureFactory, MaterialFactory, WorkshopFactory
from vision.actors import system_actor

ROOT = Path(__file__).resolve().parent.parent
# Every model whose rows the backup must bring back, history tables included.
APPS = ["vision", "goals", "dialogue", "followup", "auth", "authtoken"]


def database_url() -> str:
    options = connection.settings_dict
    password = f":{options['PASSWORD']}" if options.get("PASSWORD") else ""
    host = options.get("HOST") or "127.0.0.1"
    port = options.get("PORT") or "5432"
    return f"postgres://{options['USER']}{password}@{host}:{port}/{options['NAME']}"


def run(script: str, folder: Path) -> str:
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    result = subprocess.run(
        [str(ROOT / "deploy" / script), str(folder)], env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def database_state() -> dict[str, list[tuple]]:
    """Every row of every model of the project's apps (history models too), in primary-key order."""
    state = {}
    for label in APPS:
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            fields = [field.attname for field in model._meta.concrete_fields]
            state[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return state


def media_state() -> dict[str, str]:
    root = Path(settings.MEDIA_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def on_postgres(transactional_db):
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL: run with DATABASE_URL=postgres://...", "REQUIRE_POSTGRES")
    for tool in ("pg_dump", "pg_restore"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            skip_or_fail(f"needs {tool} (PostgreSQL's client tools)", "REQUIRE_POSTGRES")


def test_backup_then_restore_brings_back_every_row_and_media_file(on_postgres, small_tree, office, tmp_path):
    by = system_actor()
    first, second, area = small_tree["first"], small_tree["second"], small_tree["area"]
    services.goal_update(by=by, goal=first, title="Solpaneler på alla skolor")
    services.goal_link_add(by=by, source=first, target=area)
    workshop = WorkshopFactory(unit=office, goals=[first])
    lecture = LectureFactory()
    material = MaterialFactory()
    before, files_before = database_state(), media_state()
    assert before["goals.Goal"] and before["goals.HistoricalGoal"] and before["goals.GoalLink"]
    assert before["dialogue.Workshop"] and len(files_before) >= 3

    backup = tmp_path / "backup"
    run("backup.sh", backup)

    # After the backup: changes, deletions and damage, in the database and among the media files.
    services.goal_update(by=by, goal=second, title="Ändrat efter säkerhetskopian")
    services.goal_link_remove(by=by, source=first, target=area)
    dialogue_services.workshop_delete(by=by, workshop=workshop)
    dialogue_services.lecture_delete(by=by, lecture=lecture)
    media = Path(settings.MEDIA_ROOT)
    (media / material.file.name).write_bytes(b"overwritten")
    (media / lecture.video.name).unlink()
    (media / "stray-after-backup.txt").write_text("not in the backup")
    assert database_state() != before and media_state() != files_before

    connections.close_all()
    run("restore.sh", backup)

    assert database_state() == before
    assert media_state() == files_before
