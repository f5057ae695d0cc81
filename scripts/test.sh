#!/usr/bin/env bash
# Every check and test, in the order a failure is cheapest to find:
# lint → typecheck → unit/integration tests per package → end-to-end.
# Starts its own redis-server on a free port unless REDIS_URL is set.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  cat <<'USAGE'
usage: ./gw test     (or pnpm test)

Runs, in order: biome check, tsc for every package, the docs link check, every
package's vitest suite, and the end-to-end suite; ends with one summary line
"tests: N passed, N failed, N skipped". Starts its own redis-server on a free
port unless REDIS_URL is set. One package: ./gw pnpm --filter <package> test.
USAGE
}
case "${1:-}" in
  -h | --help) usage; exit 0 ;;
  "") ;;
  *) echo "gw test: unexpected argument '$1'" >&2; usage >&2; exit 2 ;;
esac

export GW_TEST_REPORT_DIR="$ROOT/.dev/test-reports"
rm -rf "$GW_TEST_REPORT_DIR" && mkdir -p "$GW_TEST_REPORT_DIR"

redis_pid=""
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT

if [ -z "${REDIS_URL:-}" ]; then
  port="$(node scripts/free-port.ts)"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile "$ROOT/.dev/redis-test.log" &
  redis_pid=$!
  for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port"
  echo "[test] redis-server on $REDIS_URL"
fi

echo "[test] biome check"
pnpm exec biome check .
echo "[test] typecheck"
pnpm exec turbo run typecheck --output-logs=errors-only
echo "[test] docs: every path a Markdown file names exists"
node scripts/check-doc-links.ts
echo "[test] tests"
status=0
pnpm exec turbo run test --concurrency=1 --continue || status=$?
node scripts/test-summary.ts "$GW_TEST_REPORT_DIR" || status=$?
exit "$status"
