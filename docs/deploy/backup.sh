#!/usr/bin/env bash
# Backs up what the containers write and what you added: data/ models/ experiments/ notebooks/ configs/ .env
# into one dated archive. Running services are stopped for the copy (SQLite files in models/ and
# experiments/ are then consistent) and started again.
#   bash docs/deploy/backup.sh [DEST_DIR]        # default DEST_DIR: ~/candlelab-backups
#   then copy it off the machine, e.g. from your laptop: scp research@<droplet>:candlelab-backups/<file> .
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
DEST=${1:-$HOME/candlelab-backups}
COMPOSE=${COMPOSE:-docker compose}
mkdir -p "$DEST"
name="candlelab-$(date -u +%Y%m%dT%H%M%SZ)-$(git rev-parse --short HEAD).tar.gz"
running=$($COMPOSE ps --services --filter status=running 2>/dev/null | grep -vx runner || true)
[ -z "$running" ] || { echo "stopping: $running"; $COMPOSE stop $running; }
trap '[ -z "$running" ] || $COMPOSE start $running' EXIT
umask 077
parts=(data models experiments notebooks configs)
[ -f .env ] && parts+=(.env)
tar -czf "$DEST/$name.tmp" --exclude='data/cache' "${parts[@]}"
mv "$DEST/$name.tmp" "$DEST/$name"
echo "backup: $DEST/$name ($(du -h "$DEST/$name" | cut -f1)); data/cache left out (rebuilt on demand)"
echo "restore: cd <checkout> && tar -xzf $DEST/$name"
