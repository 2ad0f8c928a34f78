#!/bin/sh
# The image's entrypoint (under tini): starts as root, becomes the owner of the mounted folders, runs CMD.
# Files written to the bind mounts (experiments/, models/, data/cache/) then belong to whoever owns the
# checkout on the host, whatever its uid, so no `chown` on the host is ever needed.
#   owner: CANDLELAB_UID / CANDLELAB_GID if set, else the owner of the first mounted folder among
#          /app/experiments, /app/data, /app/models (else of /app/experiments, the image's own: uid 1000)
#   owner 0 (a root-owned checkout, or rootless podman where the host user appears as root): stays root
#   started with --user / `user:` already: runs CMD as that user, changes nothing
set -eu
if [ "$(id -u)" != 0 ]; then exec "$@"; fi

ref=/app/experiments
for d in /app/experiments /app/data /app/models; do
  if mountpoint -q "$d"; then ref=$d; break; fi
done
uid=${CANDLELAB_UID:-$(stat -c %u "$ref")}
gid=${CANDLELAB_GID:-$(stat -c %g "$ref")}
case "$uid$gid" in *[!0-9]*) echo "candlelab-entrypoint: CANDLELAB_UID/GID must be numbers, got '$uid' '$gid'" >&2; exit 2 ;; esac
if [ "$uid" = 0 ]; then
  echo "candlelab-entrypoint: $ref belongs to root, so the processes run as root" >&2
  exec "$@"
fi
if [ "$(id -u candlelab)" != "$uid" ] || [ "$(id -g candlelab)" != "$gid" ]; then
  groupmod -o -g "$gid" candlelab
  usermod -o -u "$uid" -g "$gid" candlelab # also re-owns /home/candlelab (small: the Deno cache is elsewhere)
fi
# the image's own writable folders and Jupyter's runtime folder; a bind mount is never re-owned
for d in /app/.jupyter /app/data /app/models /app/experiments /app/notebooks; do
  mountpoint -q "$d" || [ "$(stat -c %u "$d")" = "$uid" ] || chown -R "$uid:$gid" "$d"
done
export HOME=/home/candlelab USER=candlelab LOGNAME=candlelab
exec setpriv --reuid="$uid" --regid="$gid" --init-groups --inh-caps=-all -- "$@"
