#!/usr/bin/env bash
# First paint of the dashboard with 100,000 profiles, in Debian's headless Chromium (issue 16; BENCHMARKS.md,
# "Dashboard (issue 16)"). A fresh SQLite data directory, `tailor serve` (Release) on loopback, PROFILES identify events
# (userId bench-N, traits plan and email) sent through /v1/batch in batches of 500 and folded by the pipeline (lag 0),
# a segment of a quarter of them, then bench/dashboard-paint/paint.mjs opens each main page ROUNDS times and prints
# Chromium's first-paint and first-contentful-paint per page with their medians.
#
#   bench/dashboard-paint.sh                 # PROFILES=100000 ROUNDS=3 PORT=5390 CHROMIUM=/usr/bin/chromium
#
# Needs node and tests/browser's packages (npm ci there; scripts/test.sh does it) and Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
PROFILES=${PROFILES:-100000}; ROUNDS=${ROUNDS:-3}; PORT=${PORT:-5390}; CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT=${OUT:-bench/results/dashboard-paint-$(date -u +%Y%m%dT%H%M%SZ)}
SRV=src/Tailor.Cli/bin/Release/net10.0/tailor.dll
mkdir -p "$OUT"
[[ -n ${SKIP_BUILD:-} ]] || dotnet build -c Release src/Tailor.Cli -v q > "$OUT/build.log"
[[ -d tests/browser/node_modules/playwright-core ]] || (cd tests/browser && npm ci --no-audit --no-fund > /dev/null)

work=$(mktemp -d "${TMPDIR:-/tmp}/tailor-dashboard-paint.XXXXXX")
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export TAILOR_ADMIN_KEY="tk_admin_bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export TAILOR_WRITE_KEY="wk_bench_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
origin="http://127.0.0.1:$PORT"
dotnet "$SRV" serve --data "$work/data" --urls "$origin" > "$OUT/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "$origin/health" > /dev/null && break; sleep 0.5; done
auth=(-H "Authorization: Bearer $TAILOR_ADMIN_KEY" -H 'Content-Type: application/json')
curl -sf "${auth[@]}" -d '{"name":"Gold plan","rule":"trait plan = \"gold\""}' "$origin/api/segments" > "$OUT/segment.json"

echo "loading $PROFILES profiles…"
start=$(date +%s)
node --input-type=module - "$origin" "$TAILOR_WRITE_KEY" "$PROFILES" <<'JS'
const [origin, writeKey, total] = process.argv.slice(2)
const plans = ['gold', 'silver', 'bronze', 'free']
const auth = 'Basic ' + Buffer.from(`${writeKey}:`).toString('base64')
for (let from = 0; from < Number(total); from += 500) {
  const batch = []
  for (let n = from; n < Math.min(from + 500, Number(total)); n++)
    batch.push({ type: 'identify', userId: `bench-${n}`, messageId: `bench-identify-${n}`, traits: { plan: plans[n % 4], email: `bench-${n}@example.test` } })
  const response = await fetch(`${origin}/v1/batch`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ batch }) })
  if (!response.ok) throw new Error(`batch at ${from}: ${response.status} ${await response.text()}`)
}
JS
while :; do
  status=$(curl -sf "${auth[@]}" "$origin/api/pipeline")
  lag=$(node -e 'const s=JSON.parse(process.argv[1]); console.log(s.lag + s.followers.find(f => f.name === "segments").lag)' "$status")
  [[ $lag == 0 ]] && break
  sleep 2
done
echo "$status" > "$OUT/pipeline.json"
echo "loaded and folded in $(( $(date +%s) - start )) s: $(node -e 'console.log(JSON.parse(process.argv[1]).profiles)' "$status") profiles"
profile=$(curl -sf "${auth[@]}" "$origin/api/profiles/lookup?type=userId&value=bench-77777" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')
segment=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).id)' "$OUT/segment.json")
node bench/dashboard-paint/paint.mjs "$origin" "$TAILOR_ADMIN_KEY" "$profile" "$segment" "$ROUNDS" "$CHROMIUM" | tee "$OUT/paint.json"
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1]))
console.log("| page | first paint, 3 runs (ms) | first contentful paint, median (ms) | HTML received, median (ms) |")
console.log("| --- | --- | --- | --- |")
for (const [name, p] of Object.entries(r.pages))
  console.log(`| ${name} (\`${p.path.replace(/prf_\w+|seg_\w+/, "{id}")}\`) | ${p.runs.map(x => x.firstPaint.toFixed(0)).join(", ")} | ${p.median.firstContentfulPaint.toFixed(0)} | ${p.median.htmlDone.toFixed(0)} |`)
' "$OUT/paint.json" | tee "$OUT/paint.md"
