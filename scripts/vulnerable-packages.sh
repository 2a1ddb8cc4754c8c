#!/usr/bin/env bash
# Known vulnerabilities in the packages the solution restores, direct and transitive (docs/security-checklist.md DEP1).
# NuGet answers `dotnet list package --vulnerable` from the package source's VulnerabilityInfo
# resource. A source without one (a mirror that serves packages only) reports "no vulnerable
# packages" for anything, so the check first asks whether the source can answer at all.
# Exit: 0 no known vulnerability, 1 vulnerable packages (listed), 2 not checked (reason printed).
set -uo pipefail
cd "$(dirname "$0")/.."

sources=$(dotnet nuget list source --format short 2>/dev/null | awk '$1 ~ /^E/ {print $2}')
answering=
for source in $sources; do
  case "$source" in http*) ;; *) continue ;; esac
  if curl -fsS -m 15 "$source" 2>/dev/null | grep -q '"VulnerabilityInfo'; then answering=1; fi
done
if [ -z "$answering" ]; then
  echo "vulnerability check: NOT CHECKED (no package source publishes vulnerability data: ${sources:-none configured})"
  exit 2
fi

report=$(dotnet list Gatehouse.slnx package --vulnerable --include-transitive 2>&1)
if grep -q "has the following vulnerable packages" <<<"$report"; then
  echo "$report"
  echo "vulnerability check: FAILED (vulnerable packages above)"
  exit 1
fi
echo "vulnerability check: no known vulnerable package"
