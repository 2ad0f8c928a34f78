# Candlelab: Deno + Debian Jupyter (Deno kernel) for notebooks and headless runs.
# Installs through .ci/setup, the same script CI runs. Build: docker compose build
FROM debian:12.8-slim

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    TZ=UTC \
    DENO_DIR=/home/candlelab/.cache/deno \
    DENO_NO_UPDATE_CHECK=1

# Node + npm fetch the pinned deno binary and the npm dependencies; git records the commit in run manifests.
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates git tini \
 && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 1000 --shell /bin/bash candlelab
WORKDIR /app

# Dependencies first (cached layer): the setup script installs Jupyter, renderers, npm packages (incl. deno)
# and registers the project-local Deno kernel in /app/.jupyter.
COPY package.json package-lock.json ./
COPY .ci/setup .ci/setup
RUN bash .ci/setup && rm -rf /var/lib/apt/lists/* /root/.npm

COPY deno.json ./
COPY lib ./lib
COPY bench ./bench
COPY configs ./configs
COPY notebooks ./notebooks
COPY docs ./docs

# Folders the user writes; mounted as volumes by docker-compose.yml.
RUN mkdir -p data/raw data/cache models experiments/runs .jupyter/runtime \
 && chown -R candlelab:candlelab data models experiments notebooks .jupyter

USER candlelab
# Warm Deno's module cache so the first notebook cell does not type-check everything.
RUN ./node_modules/.bin/deno cache lib/tasks/nb_run.ts lib/tasks/nb_run_all.ts lib/tasks/jupyter.ts

EXPOSE 8888
ENTRYPOINT ["/usr/bin/tini", "--"]
# Inside the container Jupyter listens on all interfaces; docker-compose.yml publishes it on 127.0.0.1 only.
CMD ["./node_modules/.bin/deno", "run", "-A", "lib/tasks/jupyter.ts", "--ip", "0.0.0.0", "--port", "8888"]
