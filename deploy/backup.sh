#!/bin/sh
# Back up the vision intranet: the PostgreSQL database and the media files, into one folder.
#
#   DATABASE_URL=postgres://vision@db/vision MEDIA_ROOT=/srv/vision/media deploy/backup.sh /backup/vision/2026-12-02
#
# The dump is consistent on its own (pg_dump reads one snapshot) and is taken first;
# media files are never changed in place (uploads get fresh names), so copying them
# afterwards catches every file the dump names. media.sha256 lists every file's checksum.
set -eu
target="${1:?usage: backup.sh DIRECTORY}"
: "${DATABASE_URL:?set DATABASE_URL to the PostgreSQL database}"
media="${MEDIA_ROOT:?set MEDIA_ROOT to the media folder}"

mkdir -p "$target"
pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
rm -rf "$target/media"
mkdir -p "$target/media"
if [ -d "$media" ]; then
    cp -a "$media/." "$target/media/"
fi
(cd "$target" && find media -type f -print0 | sort -z | xargs -0 -r sha256sum > media.sha256)
echo "Backed up the database and $(wc -l < "$target/media.sha256") media files to $target."
