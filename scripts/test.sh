#!/usr/bin/env bash
# The test command (README, .ci/run): installs and starts what the tests need when it is missing,
# then runs every test project and ends with one line: "Tests: N passed, N failed, N skipped".
# Exit code: dotnet test's, or 1 when a dependency has a known vulnerability.
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

# 4. Known-vulnerable dependencies (docs/security-checklist.md DEP1), before the tests: NuGet's
# advisory data, where a package source serves it (a "VulnerabilityInfo" resource in its service
# index). A mirror without it would answer "no vulnerable packages" without having checked, so that
# case is reported as NOT CHECKED instead (README, "Vulnerable dependencies").
vulnerable=0
vulnerability_check() {
  local sources index found=
  sources=$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2}')
  [ -n "$sources" ] || { echo "no enabled package source"; return 2; }
  command -v curl >/dev/null 2>&1 || { echo "curl is not installed"; return 2; }
  for s in $sources; do
    case "$s" in http*) ;; *) continue ;; esac
    index=$(curl -fsS -m 10 "$s" 2>/dev/null) || continue
    grep -q '"VulnerabilityInfo' <<<"$index" && found=1
  done
  [ -n "$found" ] || { echo "no package source serves vulnerability data: $(echo $sources)"; return 2; }
  local report
  report=$(timeout 120 dotnet list Gatehouse.slnx package --vulnerable --include-transitive 2>&1) \
    || { echo "dotnet list package failed: $(tail -n 1 <<<"$report")"; return 2; }
  if grep -q "has the following vulnerable packages" <<<"$report"; then
    printf '%s\n' "$report"
    return 1
  fi
  return 0
}
log "checking for vulnerable packages"
reason=$(vulnerability_check); vc=$?
case $vc in
  0) echo "vulnerability check: no known vulnerable packages" ;;
  1) printf '%s\n' "$reason"; echo "vulnerability check: FAILED (vulnerable packages above)"; vulnerable=1 ;;
  *) echo "vulnerability check: NOT CHECKED ($reason)" ;;
esac

# 5. The tests.
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
if [ "$vulnerable" -ne 0 ]; then failed=$((failed + 1)); [ "$rc" -ne 0 ] || rc=1; fi  # a vulnerable dependency is a failure
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$rc"
