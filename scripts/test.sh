#!/usr/bin/env bash
# Run the whole Wenming Cloud test suite, the way `make test` and CI do:
#
#   1. ruff check
#   2. pytest on SQLite (the embedded default)
#   3. pytest again on PostgreSQL, when the server answers at 127.0.0.1:5432
#   4. the non-browser suite on SQLite once more, with the clock moved to each of the hard
#      moments of tests/plugins/clock.py (WENMING_TEST_NOW=all: a month's first working day, New
#      Year, Spring Festival and National Day 2027, a leap day, 23:59:30 on a month's last day)
#   5. the API fuzzed over HTTP by schemathesis (scripts/fuzz_api.py): anonymous, a citizen and a
#      station admin against `wenming serve` on the demo district; any 5xx or answer off the
#      OpenAPI schema fails
#
# Each run spreads its tests over the machine's cores (pytest-xdist, `-n auto`; set
# WENMING_TEST_WORKERS to choose). Outside CI a missing PostgreSQL server skips step 3 with a
# message, and tests marked `postgres` or `browser` skip with a message when their server or
# chromium is missing. Under CI=true nothing may be skipped: PostgreSQL and Redis are started
# when down (and the run fails if PostgreSQL still cannot be reached); WENMING_REQUIRE_POSTGRES=1
# (PostgreSQL run) and WENMING_REQUIRE_BROWSER=1 (SQLite and PostgreSQL runs) turn any skip of
# those tests into a failure (tests/plugins/ci_rules.py).
#
# Extra arguments go to every pytest run, e.g. `scripts/test.sh -x -k orders`.
# WENMING_TEST_CLOCK=0 leaves out step 4, WENMING_TEST_FUZZ=0 step 5 (quicker local runs; CI
# always runs both).
# Environment: VENV (default .venv), WENMING_TEST_DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/wenming; pytest-django creates and drops test_wenming_gw*).
set -uo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PG_URL=${WENMING_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wenming}
IN_CI=0
[[ "${CI:-}" == true || "${CI:-}" == 1 ]] && IN_CI=1

if [[ ! -x "$PY" ]]; then
  echo "test.sh: $PY not found; run 'make install' first" >&2
  exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/wenming-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
failures=()
results=()   # "name passed failed skipped"

say() { printf '\n==> %s\n' "$*"; }

# --- 1. lint --------------------------------------------------------------------------------
say "ruff check"
if "$VENV/bin/ruff" check .; then :; else failures+=("ruff check"); fi

# --- services -------------------------------------------------------------------------------
pg_reachable() {
  # Connect for real (not just a port check): trust auth, the maintenance database.
  PG_URL="$PG_URL" "$PY" - <<'PYEOF' >/dev/null 2>&1
import os
from urllib.parse import urlsplit, urlunsplit

import psycopg

parts = urlsplit(os.environ["PG_URL"].replace("postgres://", "postgresql://", 1))
psycopg.connect(urlunsplit(parts._replace(path="/postgres")), connect_timeout=3).close()
PYEOF
}

start_postgres() {
  command -v pg_ctlcluster >/dev/null 2>&1 || return 1
  local version
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$version" ]] || return 1
  echo "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_reachable && return 0; sleep 1; done
  return 1
}

redis_reachable() {
  "$PY" -c "import redis; redis.Redis(host='127.0.0.1', port=6379, socket_timeout=2).ping()" >/dev/null 2>&1
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || return 1
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log || return 1
  for _ in $(seq 1 20); do redis_reachable && return 0; sleep 0.5; done
  return 1
}

run_pg=0
say "PostgreSQL at ${PG_URL%/*}"
if pg_reachable; then
  echo "reachable"
  run_pg=1
elif [[ $IN_CI == 1 ]]; then
  if start_postgres; then
    run_pg=1
  else
    echo "ERROR: CI=true and PostgreSQL cannot be reached at ${PG_URL%/*}, even after trying to start it" >&2
    failures+=("PostgreSQL unreachable")
  fi
else
  echo "NOTE: PostgreSQL is not reachable: the PostgreSQL run is SKIPPED (tests marked 'postgres' only run there)."
  echo "      Start it (pg_ctlcluster ... main start) or set WENMING_TEST_DATABASE_URL to run it."
fi

if [[ $IN_CI == 1 ]]; then
  say "Redis at 127.0.0.1:6379"
  if redis_reachable || start_redis; then
    echo "reachable"
  else
    echo "ERROR: CI=true and Redis cannot be reached at 127.0.0.1:6379" >&2
    failures+=("Redis unreachable")
  fi
fi
# Tests that exercise the Redis-backed queue or cache opt in through this variable.
if redis_reachable; then
  export WENMING_TEST_REDIS_URL=${WENMING_TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
fi

# --- pytest runs ----------------------------------------------------------------------------
count() {  # count <junit.xml> -> "passed failed skipped" (failed includes errors)
  "$PY" - "$1" <<'PYEOF'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    raise SystemExit
# Count <testcase> elements, one per test: the suite's own totals also count subtests.
passed = failed = skipped = 0
for case in root.iter("testcase"):
    tags = {child.tag for child in case}
    if tags & {"failure", "error"}:
        failed += 1
    elif "skipped" in tags:
        skipped += 1
    else:
        passed += 1
print(passed, failed, skipped)
PYEOF
}

run_pytest() {  # run_pytest <name> [env assignments...] -- [pytest args...]
  local name=$1; shift
  local envs=()
  while [[ $# -gt 0 && $1 != -- ]]; do envs+=("$1"); shift; done
  shift
  local var_dir="$WORK/$name-var" junit="$WORK/$name.xml"
  mkdir -p "$var_dir"
  say "pytest on $name (WENMING_VAR_DIR=$var_dir${envs[*]:+; ${envs[*]}})"
  local started=$SECONDS rc=0
  env -u DATABASE_URL -u REDIS_URL WENMING_VAR_DIR="$var_dir" ${envs[@]+"${envs[@]}"} \
    "$PY" -m pytest -p no:cacheprovider -n "${WENMING_TEST_WORKERS:-auto}" --junitxml="$junit" "$@" || rc=$?
  local counts
  counts=$(count "$junit")
  results+=("$name $counts $((SECONDS - started))")
  case $rc in
    0) ;;
    5) echo "ERROR: pytest on $name collected no tests" >&2; failures+=("$name: no tests collected") ;;
    1) if [[ $(cut -d' ' -f2 <<<"$counts") == 0 ]]; then
         failures+=("$name: pytest exit code 1 with no failed test: a CI rule failed (see 'wenming CI rules' above)")
       else
         failures+=("$name: $(cut -d' ' -f2 <<<"$counts") test(s) failed")
       fi ;;
    *) failures+=("$name: pytest exit code $rc") ;;
  esac
}

require_browser=()
[[ $IN_CI == 1 ]] && require_browser=(WENMING_REQUIRE_BROWSER=1)

run_pytest sqlite ${require_browser[@]+"${require_browser[@]}"} -- "$@"

if [[ $run_pg == 1 ]]; then
  require_pg=()
  [[ $IN_CI == 1 ]] && require_pg=(WENMING_REQUIRE_POSTGRES=1)
  run_pytest postgresql DATABASE_URL="$PG_URL" ${require_pg[@]+"${require_pg[@]}"} \
    ${require_browser[@]+"${require_browser[@]}"} -- "$@"
fi

if [[ $IN_CI == 1 || ${WENMING_TEST_CLOCK:-1} != 0 ]]; then
  # The browser tests and the test tooling's own tests are left out: the first are covered
  # by the two runs above, the second read no date.
  run_pytest moved-clock WENMING_TEST_NOW=all -- -m "not browser" --ignore=tests/plugins "$@"
fi

if [[ $IN_CI == 1 || ${WENMING_TEST_FUZZ:-1} != 0 ]]; then
  say "API fuzzing (scripts/fuzz_api.py)"
  fuzz_started=$SECONDS
  if "$PY" scripts/fuzz_api.py; then :; else failures+=("API fuzzing: a 5xx or an answer off the schema (see above)"); fi
  echo "  ($((SECONDS - fuzz_started)) s)"
fi

# --- summary --------------------------------------------------------------------------------
say "summary"
total_passed=0 total_failed=0 total_skipped=0
for r in "${results[@]}"; do
  read -r name passed failed skipped secs <<<"$r"
  printf '  %-11s %5d passed, %d failed, %d skipped  (%ds)\n' "$name" "$passed" "$failed" "$skipped" "$secs"
  total_passed=$((total_passed + passed)); total_failed=$((total_failed + failed))
  total_skipped=$((total_skipped + skipped))
done
[[ $run_pg == 1 ]] || echo "  postgresql  not run (server not reachable)"
if [[ ${#failures[@]} -gt 0 ]]; then
  for f in "${failures[@]}"; do echo "  FAILED: $f"; done
  status=1
else
  echo "  OK"
  status=0
fi
echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
exit $status
