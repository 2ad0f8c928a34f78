#!/usr/bin/env bash
# Builds the images with the commit recorded (OCI labels, /app/VERSIONS.txt, every run manifest's gitCommit):
# candlelab:local (jupyter, runner, worker) and candlelab-redis:local (redis).
#   bash docs/deploy/build.sh            # DOCKER=podman bash docs/deploy/build.sh for podman
set -euo pipefail
cd "$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
DOCKER=${DOCKER:-docker}
commit=$(git rev-parse HEAD)
version=$(git describe --tags --always --dirty)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "build.sh: the checkout has uncommitted changes; the image records $commit but holds your edits" >&2
fi
bash docs/deploy/env.sh >/dev/null # .env's commit follows the checkout (docker compose build reads it too)
start=$(date +%s)
$DOCKER build --build-arg "CANDLELAB_GIT_COMMIT=$commit" --build-arg "CANDLELAB_VERSION=$version" \
  -t candlelab:local .
$DOCKER build --target redis -t candlelab-redis:local .
echo "built candlelab:local ($version, $commit) in $(($(date +%s) - start))s"
$DOCKER image ls candlelab
