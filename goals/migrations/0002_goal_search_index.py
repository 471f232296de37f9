"""A GIN index for Swedish full-text search of goals, on PostgreSQL only.

Its expression is exactly what goals.search.document() builds, so searches
use it; SQLite, which has no such index, gets nothing.
"""

from django.db import migrations

INDEX = "goal_search_swedish"
CREATE = (
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON goals_goal USING gin "
    "(to_tsvector('swedish'::regconfig, COALESCE(title, '') || ' ' || COALESCE(description, '')))"
)
DROP = f"DROP INDEX IF EXISTS {INDEX}"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("goals", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
