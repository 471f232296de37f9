#!/bin/sh
# Restore a backup made by deploy/backup.sh: the database as it was, and exactly its media files.
#
#   DATABASE_URL=postgres://vision@db/vision MEDIA_ROOT=/srv/vision/media deploy/restore.sh /backup/vision/2026-12-02
#
# Stop the app servers first (systemctl stop vision): the restore replaces every table
# in one transaction, and then replaces the media folder with the backup's copy.
set -eu
source_dir="${1:?usage: restore.sh DIRECTORY}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}"
media="${MEDIA_ROOT:?set MEDIA_ROOT to the media folder}"

test -f "$source_dir/database.dump" || { echo "No database.dump in $source_dir." >&2; exit 1; }
# Check the backup's media before touching anything.
(cd "$source_dir" && sha256sum --quiet --check media.sha256)

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
    --dbname="$DATABASE_URL" "$source_dir/database.dump"

mkdir -p "$media"
find "$media" -mindepth 1 -delete
cp -a "$source_dir/media/." "$media/"
(cd "$media" && sed 's#  media/#  ./#' "$source_dir/media.sha256" | sha256sum --quiet --check -)
echo "Restored the database and $(wc -l < "$source_dir/media.sha256") media files from $source_dir."
