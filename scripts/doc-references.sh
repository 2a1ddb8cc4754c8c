#!/usr/bin/env bash
# Every comment and test name cites the repository's own docs, and what it cites exists there:
#  - no reference to a file outside the repository (../shared/...);
#  - each "docs/security-checklist.md ID" or "docs/<doc>.md §n.n" names an id or section the doc has.
# Prints one line per broken reference; exit 1 when there is one. scripts/test.sh runs it.
set -uo pipefail
cd "$(dirname "$0")/.."
bad=0
sources() { git ls-files -- 'src/*' 'tests/*' 'docs/*' 'scripts/*' 'bench/*' 'README.md' | grep -vE '/Migrations/|node_modules' ; }

while IFS= read -r hit; do echo "outside the repository: $hit"; bad=1; done < <(
  sources | xargs grep -nE '\.\./shared/' -- 2>/dev/null | grep -v '^scripts/doc-references.sh')

while IFS=: read -r file line doc ref; do
  [ -f "docs/$doc" ] || { echo "$file:$line: docs/$doc does not exist"; bad=1; continue; }
  case "$ref" in
    §*) grep -qE "^(#+ *)?${ref#§}[ .]" "docs/$doc" || { echo "$file:$line: docs/$doc has no section $ref"; bad=1; } ;;
    *) grep -qE "^\| *$ref *\|" "docs/$doc" || { echo "$file:$line: docs/$doc has no id $ref"; bad=1; } ;;
  esac
done < <(sources | xargs grep -noE 'docs/[a-z-]+\.md( ?§[0-9]+(\.[0-9]+)*| [A-Z]{2,3}[0-9]+)' -- 2>/dev/null \
  | sed -E 's#^([^:]+):([0-9]+):docs/([a-z-]+\.md) ?#\1:\2:\3:#')
exit "$bad"
