#!/usr/bin/env bash
# Updates to a new version: backup, pull, rebuild with the new commit, restart what was running.
#   bash docs/deploy/update.sh [git ref]     # default: the current branch's upstream
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
COMPOSE=${COMPOSE:-docker compose}
bash docs/deploy/backup.sh
old=$(git rev-parse --short HEAD)
git fetch --tags
if [ $# -gt 0 ]; then git checkout --quiet "$1"; else git pull --ff-only; fi
echo "code: $old -> $(git rev-parse --short HEAD)"
bash docs/deploy/build.sh
running=$($COMPOSE ps --services --filter status=running 2>/dev/null | grep -vx runner || true)
[ -z "$running" ] || $COMPOSE up -d --no-build $running # recreated from the new image
$COMPOSE ps
