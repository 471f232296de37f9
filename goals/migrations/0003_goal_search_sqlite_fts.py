"""A full-text index of goals' titles and descriptions on SQLite (FTS5); nothing on PostgreSQL.

An external-content FTS5 table reads its text from goals_goal, and triggers keep
it in step with every insert, update and delete, whichever way they are made
(save, bulk_create, queryset.update, treebeard's raw SQL). A tree move changes
paths only, which the update trigger does not watch.

The tokenizer folds case (Å and å meet) but keeps diacritics: å, ä and ö are
letters of their own in Swedish ("mål" is not "mal", "för" is not "for").

SQLite drops a table's triggers with it, and Django rebuilds a table to alter
it there: a later migration that alters goals_goal must run create() again
(tests/goals/test_search.py checks that the triggers exist).
"""

from django.db import migrations

TABLE = "goals_goal_fts"
CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "title, description, content='goals_goal', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON goals_goal BEGIN "
    f"INSERT INTO {TABLE}(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON goals_goal BEGIN "
    f"INSERT INTO {TABLE}({TABLE}, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); END",
    # Saves that leave the words alone (a status, a decision) leave the index alone.
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update AFTER UPDATE OF id, title, description ON goals_goal "
    "WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.description IS NOT new.description "
    f"BEGIN INSERT INTO {TABLE}({TABLE}, rowid, title, description) "
    "VALUES ('delete', old.id, old.title, old.description); "
    f"INSERT INTO {TABLE}(rowid, title, description) VALUES (new.id, new.title, new.description); END",
    # Goals stored before the index existed.
    f"INSERT INTO {TABLE}({TABLE}) VALUES ('rebuild')",
]
DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_{event}" for event in ("insert", "delete", "update")] + [
    f"DROP TABLE IF EXISTS {TABLE}"
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("goals", "0002_goal_search_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
