#!/usr/bin/env bash
# Runs every test: unit tests, and integration tests against real PostgreSQL, Redis and RabbitMQ
# that the test fixtures start themselves (isolated ports and data folders).
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-prerequisites.sh
dotnet build CustomerBase.sln -c Debug --nologo -v quiet -clp:NoSummary

results=TestResults
rm -rf "$results"
# The integration tests' system copies its services' logs here when it stops (see SystemFixture).
export CUSTOMERBASE_TEST_LOGS="$PWD/$results/system-logs"
status=0
dotnet test CustomerBase.sln -c Debug --no-build --nologo \
  --results-directory "$results" --logger "trx" --logger "console;verbosity=normal" "$@" || status=$?

passed=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="Passed"' | wc -l || true)
failed=$(cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*outcome="Failed"' | wc -l || true)
echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] && [ -d "$CUSTOMERBASE_TEST_LOGS" ]; then
  # A failed test may have met a service's internal error: its logged errors (ids only, no personal data) help.
  for log in "$CUSTOMERBASE_TEST_LOGS"/*.log; do
    if grep -qE '^(fail|crit):' "$log"; then
      echo "--- errors in $(basename "$log") (whole logs in $CUSTOMERBASE_TEST_LOGS)"
      grep -E -A 8 '^(fail|crit):' "$log" | head -n 120
    fi
  done
fi
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "error: no test ran" >&2
  exit 1
fi
exit "$status"
