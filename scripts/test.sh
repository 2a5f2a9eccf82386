#!/usr/bin/env bash
# test.sh -- the one command that runs every test of Tailor on a fresh machine (and on CI: .ci/run calls it).
#
#   bash scripts/test.sh
#
# Starts what the tests need (PostgreSQL, RabbitMQ and two SMTP sinks (exim: plain, and AUTH+STARTTLS) from Debian's packages, in a private temp dir on free ports), builds the
# solution once, runs `dotnet test` over it, stops the services on exit, and prints as its last line
#
#   N passed, N failed, N skipped
#
# totalled over all test projects. Exits non-zero when a service or the build fails (counted as one failure), when
# any test fails, or when a test project reports no result (a crashed test host). Needs root for apt-get on a new machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NPM_CONFIG_UPDATE_NOTIFIER=false
# Property-based fuzzers (tests/Tailor.Core.Tests/Fuzzing): more cases here than in a plain `dotnet test` (150), about
# a minute and a half on a small machine; override with TAILOR_FUZZ_CASES.
export TAILOR_FUZZ_CASES="${TAILOR_FUZZ_CASES:-1000}"
# A zone far from UTC, so code that leans on the machine's time zone fails here rather than in production.
export TZ="${TAILOR_TEST_TZ:-America/New_York}"

work=$(mktemp -d "${TMPDIR:-/tmp}/tailor-test.XXXXXX")
chmod 755 "$work"                      # the postgres user must reach its data dir inside
log="$work/test.log"

# Services live under $work, never in a shared directory: another checkout may run its own at the same time.
export SVC_ROOT="$work/services"
. scripts/services.sh
cleanup() {
  local rc=$?
  stop_services
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

summary() { echo "$1 passed, $2 failed, $3 skipped"; }

port=$PG_PORT
while _svc_port_open "$port"; do port=$((port + 1)); done
PG_PORT=$port
if ! start_postgres; then
  echo "could not start PostgreSQL" >&2
  summary 0 1 0
  exit 1
fi
export TAILOR_TEST_POSTGRES="$POSTGRES_CONNECTION_STRING"

SMTP_PORT=$((PG_PORT - 55432 + 52525))
while _svc_port_open "$SMTP_PORT"; do SMTP_PORT=$((SMTP_PORT + 1)); done
if ! start_smtp_sink; then
  echo "could not start the SMTP sink" >&2
  summary 0 1 0
  exit 1
fi
export TAILOR_TEST_SMTP="127.0.0.1:$SMTP_PORT" TAILOR_TEST_SMTP_MAILDIR="$SMTP_SINK_MAILDIR"

# A second sink that requires STARTTLS and AUTH (docs/email.md: the SMTP security and login settings are tested against it).
SMTP_AUTH_PORT=$((SMTP_PORT + 1))
while _svc_port_open "$SMTP_AUTH_PORT"; do SMTP_AUTH_PORT=$((SMTP_AUTH_PORT + 1)); done
if ! start_smtp_auth_sink; then
  echo "could not start the SMTP sink with AUTH and STARTTLS" >&2
  summary 0 1 0
  exit 1
fi
export TAILOR_TEST_SMTP_AUTH="127.0.0.1:$SMTP_AUTH_PORT" TAILOR_TEST_SMTP_AUTH_USER="$SMTP_AUTH_USER" \
  TAILOR_TEST_SMTP_AUTH_PASSWORD="$SMTP_AUTH_PASSWORD" TAILOR_TEST_SMTP_AUTH_CA="$SMTP_AUTH_CA"

# RabbitMQ, for the scale-out test only (tests/Tailor.Server.Tests/Cluster: three nodes, a broker between them; docs/scale.md).
RMQ_PORT=$((PG_PORT - 55432 + 55672))
while _svc_port_open "$RMQ_PORT"; do RMQ_PORT=$((RMQ_PORT + 1)); done
RMQ_STREAM_PORT=$((RMQ_PORT - 120)); RMQ_DIST_PORT=$((RMQ_PORT + 10)); RMQ_EPMD_PORT=$((RMQ_PORT - 1303))
# The broker boots in 3 s on a quiet machine and took 51 s on one at load average 60: it gets 3 minutes.
if ! SVC_WAIT_SECS=180 start_rabbitmq; then
  echo "could not start RabbitMQ" >&2
  summary 0 1 0
  exit 1
fi
export TAILOR_TEST_RABBITMQ="$RABBITMQ_URL"

# The Node client's tests will run here; for now only check that npm is there.
if command -v npm > /dev/null; then
  echo "npm $(npm --version < /dev/null)"
else
  echo "npm not found (not needed yet: there are no Node tests)"
fi

# The browser end to end and geo from IP (tests/browser, run by Tailor.Server.Tests): Debian's Chromium, and the npm
# packages pinned in tests/browser/package-lock.json (analytics-next, playwright-core, esbuild, the DB-IP Lite city
# database), installed only when missing or older than the lock file. TAILOR_TEST_BROWSER makes a missing piece a
# failed test rather than a skipped one. Screenshots are kept in TestResults/browser.
if ! command -v chromium > /dev/null; then
  echo "installing chromium (Debian package)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } < /dev/null > "$work/apt-chromium.log" 2>&1 \
    || { echo "could not install chromium; the browser test will fail:" >&2; tail -5 "$work/apt-chromium.log" >&2; }
fi
if [ ! tests/browser/node_modules/.package-lock.json -nt tests/browser/package-lock.json ]; then
  (cd tests/browser && npm ci --no-audit --no-fund < /dev/null) || echo "npm ci in tests/browser failed; the browser and geo tests will fail" >&2
fi
export TAILOR_TEST_BROWSER=1 TAILOR_TEST_ARTIFACTS="${TAILOR_TEST_ARTIFACTS:-$PWD/TestResults/browser}"

if ! dotnet build Tailor.slnx < /dev/null; then
  echo "BUILD FAILED" >&2
  summary 0 1 0
  exit 1
fi

set +e
dotnet test Tailor.slnx --no-build --results-directory "$work/results" < /dev/null 2>&1 | tee "$log"
test_rc=${PIPESTATUS[0]}
set -e

# VSTest prints one line per test project:
#   Passed!  - Failed:     0, Passed:    42, Skipped:     0, Total:    42, Duration: 5 s - X.Tests.dll (net10.0)
read -r passed failed skipped reported < <(awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+, +Total:/ {
    gsub(/,/, " "); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1)
    }
    n++
  }
  END { printf "%d %d %d %d\n", p, f, s, n }' "$log")

projects=$(grep -c '<Project Path="tests/' Tailor.slnx || true)
if [ "$reported" -lt "$projects" ]; then
  echo "only $reported of $projects test projects reported results (a test host crashed?)" >&2
  failed=$((failed + projects - reported))
fi
if [ "$test_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "dotnet test exited with $test_rc without reporting a failed test" >&2
  failed=1
fi

summary "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
