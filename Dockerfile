# Candlelab: Deno + Debian Jupyter (Deno kernel) for notebooks, headless runs and sweep workers.
# Three stages from one Debian base (ADR-030):
#   build    Node + npm fetch the npm dependencies (incl. the pinned deno binary) through .ci/setup
#   redis    Debian's redis-server, for the sweep queue (docker-compose.yml service `redis`)
#   runtime  (the default, last stage) Jupyter from Debian + node_modules + the project; no Node, no npm, no
#            test-only renderers (chromium, librsvg2-bin), no git
# Build (the helper passes the commit):  bash docs/deploy/build.sh
#   or by hand:  docker build --build-arg CANDLELAB_GIT_COMMIT=$(git rev-parse HEAD) -t candlelab:local .

# --- build: npm dependencies ------------------------------------------------------------------------------
FROM debian:12.8-slim AS build
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends nodejs npm ca-certificates >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY .ci/setup .ci/setup
# npm ci only (SKIP_APT=1). Then trimmed: the deno npm package hard-links its binary twice (one copy kept, a
# symlink); Debian's npm 9 ignores `libc` and also installs DuckDB's musl binding (71 MB, unused on glibc);
# duckdb-wasm's source maps and its cross-origin-isolated build are never loaded (lib/data/engine_wasm.ts
# uses the mvp and eh builds only).
RUN SKIP_APT=1 bash .ci/setup \
 && ln -sf ../@deno/linux-x64-glibc/deno node_modules/deno/deno \
 && rm -rf node_modules/@duckdb/node-bindings-linux-x64-musl node_modules/@duckdb/duckdb-wasm/dist/*.map \
      node_modules/@duckdb/duckdb-wasm/dist/duckdb-coi.wasm \
 && node_modules/.bin/deno --version >/dev/null \
 && rm -rf /root/.npm

# --- redis: the sweep queue (Debian's redis-server, same base) -----------------------------------------
FROM debian:12.8-slim AS redis
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null \
 && dpkg-query -W redis-server \
 && rm -rf /var/lib/apt/lists/*
USER redis
EXPOSE 6379
# In-memory queue only (no RDB/AOF files); reachable only on the compose network unless published.
CMD ["redis-server", "--bind", "0.0.0.0", "--protected-mode", "no", "--save", "", "--appendonly", "no"]

# --- runtime ------------------------------------------------------------------------------------------
FROM debian:12.8-slim AS runtime
ARG CANDLELAB_GIT_COMMIT=""
ARG CANDLELAB_VERSION="dev"
ARG CANDLELAB_UID=1000
ARG CANDLELAB_GID=1000
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    TZ=UTC \
    DENO_DIR=/opt/candlelab/deno-cache \
    DENO_NO_UPDATE_CHECK=1 \
    CANDLELAB_GIT_COMMIT=${CANDLELAB_GIT_COMMIT}

# The user the processes run as; the entrypoint re-numbers it to the owner of the mounted experiments/.
RUN groupadd --gid "$CANDLELAB_GID" candlelab \
 && useradd --create-home --uid "$CANDLELAB_UID" --gid "$CANDLELAB_GID" --shell /bin/bash candlelab
WORKDIR /app

COPY package.json package-lock.json ./
COPY .ci/setup .ci/setup
COPY --from=build /app/node_modules ./node_modules
# Jupyter from Debian through .ci/setup (SKIP_TEST_APT=1: without the test-only renderers; npm is skipped
# because node_modules above matches package-lock.json), then the kernelspec in /app/.jupyter.
# What the mirror served is recorded in /app/VERSIONS.txt (with the Release dates of the package lists).
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends tini ca-certificates >/dev/null \
 && SKIP_TEST_APT=1 bash .ci/setup \
 && { echo "# Candlelab image: installed versions (written at build time)"; \
      echo "base-image debian:12.8-slim debian_version=$(cat /etc/debian_version)"; \
      grep -h '^Date:' /var/lib/apt/lists/*_InRelease | sed 's/^/apt-lists-/'; \
      echo "deno $(node_modules/.bin/deno --version | head -1 | cut -d' ' -f2)"; \
      echo "package-lock.json sha256=$(sha256sum package-lock.json | cut -d' ' -f1)"; \
      echo "# dpkg"; dpkg-query -W -f='${Package}=${Version}\n'; } > /app/VERSIONS.txt \
 && for p in chromium librsvg2-bin wabt; do if dpkg-query -W "$p" >/dev/null 2>&1; then echo "test-only package $p in the runtime image" >&2; exit 1; fi; done \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /root/.cache

COPY deno.json ./
COPY lib ./lib
COPY bench ./bench
COPY configs ./configs
COPY notebooks ./notebooks
COPY docs ./docs
# The bundled sample data, so `docker run candlelab:local` works without any mount.
COPY data/raw ./data/raw
COPY docs/deploy/entrypoint.sh /usr/local/bin/candlelab-entrypoint

# Folders the user writes (bind-mounted by docker-compose.yml); Deno's module cache warmed read-only for all.
RUN mkdir -p data/cache models experiments/runs .jupyter/runtime /opt/candlelab/deno-cache \
 && chown -R candlelab:candlelab data models experiments notebooks .jupyter \
 && ./node_modules/.bin/deno cache lib/tasks/nb_run.ts lib/tasks/nb_run_all.ts lib/tasks/jupyter.ts \
      lib/tasks/experiment.ts lib/notebooks/mod.ts \
 && chmod -R a+rX /opt/candlelab \
 && echo "commit ${CANDLELAB_GIT_COMMIT:-unknown} version ${CANDLELAB_VERSION}" >> /app/VERSIONS.txt

LABEL org.opencontainers.image.title="candlelab" \
      org.opencontainers.image.description="Candlelab: Jupyter with the Deno kernel, headless notebook runs, sweep workers" \
      org.opencontainers.image.revision="${CANDLELAB_GIT_COMMIT}" \
      org.opencontainers.image.version="${CANDLELAB_VERSION}" \
      org.opencontainers.image.base.name="docker.io/library/debian:12.8-slim"

EXPOSE 8888
# tini reaps the kernels and (-g) passes SIGTERM to the whole process group: `deno task` does not forward it
# to its child, so a stopped worker would otherwise wait for SIGKILL. The entrypoint drops from root to the
# mount owner (docs/deploy/entrypoint.sh).
ENTRYPOINT ["/usr/bin/tini", "-g", "--", "/usr/local/bin/candlelab-entrypoint"]
# Default: every notebook headless (the `runner`), so `docker run --rm candlelab:local` alone works.
# Inside the container Jupyter listens on all interfaces; docker-compose.yml publishes it on 127.0.0.1 only.
CMD ["./node_modules/.bin/deno", "run", "-A", "lib/tasks/nb_run_all.ts"]
