#!/usr/bin/env bash
# Writes or refreshes .env in the checkout (read by docker compose): a Jupyter token (kept if there is one)
# and the commit to record in the image. Never prints the token. Mode 600.
#   bash docs/deploy/env.sh
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
umask 077
touch .env
token=$(sed -n 's/^CANDLELAB_JUPYTER_TOKEN=//p' .env)
[ -n "$token" ] || token=$(openssl rand -hex 24)
commit=$(git rev-parse HEAD)
others=$(grep -vE '^(CANDLELAB_JUPYTER_TOKEN|CANDLELAB_GIT_COMMIT)=' .env || true)
{ echo "CANDLELAB_JUPYTER_TOKEN=$token"; echo "CANDLELAB_GIT_COMMIT=$commit"; [ -z "$others" ] || echo "$others"; } >.env.tmp
mv .env.tmp .env
chmod 600 .env
echo ".env: token set (not shown; read it with: grep TOKEN .env), commit $commit"
