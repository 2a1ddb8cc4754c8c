#!/usr/bin/env bash
# The test command (README, .ci/run): installs and starts what the tests need when it is missing,
# then runs every test project and ends with one line: "Tests: N passed, N failed, N skipped".
# Exit code: dotnet test's.
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. A real browser for the UI tests: Debian's chromium (Playwright drives it; nothing downloads).
if ! command -v chromium >/dev/null 2>&1; then
  log "installing chromium"
  apt_install chromium
fi
export GATEHOUSE_CHROMIUM="${GATEHOUSE_CHROMIUM:-$(command -v chromium)}"

# 2. A PostgreSQL server for the PostgreSQL half of the suite, started here (no service manager).
if [ -z "${GATEHOUSE_TEST_POSTGRES:-}" ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || { log "installing postgresql"; apt_install postgresql; }
  v=$(psql --version | awk '{print $3}' | cut -d. -f1)
  pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$v main" || as_root pg_createcluster "$v" main >/dev/null
  pg_lsclusters -h | awk -v v="$v" '$1==v && $2=="main" {print $4}' | grep -qx online \
    || { log "starting postgresql $v"; as_root pg_ctlcluster "$v" main start; }
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  as_root runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname='gatehouse'" | grep -q 1 \
    || as_root runuser -u postgres -- psql -qc "CREATE ROLE gatehouse LOGIN PASSWORD 'gatehouse' CREATEDB"
  # Lets the tests drop their throwaway databases WITH (FORCE) even while autovacuum visits them.
  as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = warning" -c "GRANT pg_signal_backend TO gatehouse" >/dev/null
  export GATEHOUSE_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=gatehouse;Password=gatehouse"
fi

# 3. npm packages for the third-party OAuth client tests (node's openid-client / oauth4webapi).
if [ -f tests/interop/package.json ] && [ ! -d tests/interop/node_modules ]; then
  log "installing npm packages for interop tests"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi

# 4. The repository's references: comments and test names cite its own docs, and what they cite exists.
log "checking doc references"
doc_failed=0
./scripts/doc-references.sh || doc_failed=1

# 5. Known vulnerabilities in dependencies (DEP1): a failure where the package source can answer,
#    one skipped check where it cannot (the script prints why).
log "checking packages for known vulnerabilities"
./scripts/vulnerable-packages.sh
vuln_rc=$?

# 6. The tests.
log "running dotnet test"
out=$(mktemp)
dotnet test Gatehouse.slnx --nologo -v minimal --blame-hang-timeout 10m "$@" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly; add them up into the line CI reads.
read -r passed failed skipped < <(
  sed 's/\x1b\[[0-9;]*m//g' "$out" | awk '
    /(Passed|Failed)! +- +Failed:/ {
      for (i = 1; i <= NF; i++) {
        v = $(i + 1); gsub(/,/, "", v)
        if ($i == "Failed:") f += v
        if ($i == "Passed:") p += v
        if ($i == "Skipped:") s += v
      }
    }
    END { printf "%d %d %d\n", p, f, s }')
rm -f "$out"
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi  # a build or host failure counts as a failure
if [ "$doc_failed" -ne 0 ]; then failed=$((failed + 1)); rc=1; else passed=$((passed + 1)); fi
case "$vuln_rc" in 0) passed=$((passed + 1)) ;; 1) failed=$((failed + 1)); rc=1 ;; *) skipped=$((skipped + 1)) ;; esac
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
