#!/usr/bin/env bash
# `npm test`: type-check, lint and every vitest project. The type-check and the lint are
# single-threaded and the tests wait on PostgreSQL much of the time, so all three run at once;
# the checks' output is held back and printed after the tests', so nothing interleaves.
set -u
cd "$(dirname "$0")/.."
checks=$(mktemp -d)
trap 'rm -rf "$checks"' EXIT

npm run -s typecheck >"$checks/typecheck" 2>&1 &
typecheck=$!
npm run -s lint >"$checks/lint" 2>&1 &
lint=$!

npx vitest run "$@"
tests=$?

failed=0
for check in typecheck lint; do
  pid=${!check}
  if wait "$pid"; then
    echo "== $check: passed"
  else
    failed=1
    echo "== $check: FAILED"
    cat "$checks/$check"
  fi
done
exit $((tests != 0 || failed != 0))
