// The browser end to end, driven by Tailor.Server.Tests (Browser/BrowserTests.cs):
//
//   node run.mjs TAILOR_ORIGIN WRITE_KEY PLACEMENT RUN ARTIFACT_DIR [CHROMIUM]
//
// Bundles @segment/analytics-next with esbuild, serves shop.html and the bundle from a second origin on 127.0.0.1,
// opens the page in Debian's headless Chromium (playwright-core), waits until the page has sent page, identify and
// track to Tailor, then has the page call /v1/personalize until the visitor's profile gives the personalised offer
// (or the deadline passes). Writes screenshots to ARTIFACT_DIR and prints one JSON line: what the page showed, every
// request the browser made and every console error.
import { build } from 'esbuild'
import { chromium } from 'playwright-core'
import { createServer } from 'node:http'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

const [tailor, writeKey, placement, run, artifacts, executable = '/usr/bin/chromium'] = process.argv.slice(2)
const here = import.meta.dirname
const deadline = Date.now() + 30_000
const started = Date.now()
const took = {}

const bundle = await build({
  entryPoints: [join(here, 'entry.js')], bundle: true, format: 'iife', platform: 'browser', target: 'es2020', write: false, logLevel: 'error',
})
took.bundle = Date.now() - started
const files = {
  '/shop.html': ['text/html; charset=utf-8', await readFile(join(here, 'shop.html'))],
  '/analytics.js': ['text/javascript; charset=utf-8', bundle.outputFiles[0].contents],
}
const server = createServer((request, response) => {
  const file = files[new URL(request.url, 'http://x').pathname]
  if (request.url === '/favicon.ico') return response.writeHead(204).end()
  response.writeHead(file ? 200 : 404, { 'content-type': file ? file[0] : 'text/plain' })
  response.end(file ? file[1] : 'not found')
})
await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
const shop = `http://127.0.0.1:${server.address().port}`

await mkdir(artifacts, { recursive: true })
const browser = await chromium.launch({
  executablePath: executable,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  // Playwright starts every launch with a fresh temporary --user-data-dir of its own and removes it on close.
})
took.launch = Date.now() - started
const result = { shop, took, requests: [], consoleErrors: [], tracking: [], attempts: 0 }
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 500 } })
  const page = await context.newPage()
  page.on('request', r => { if (!r.url().includes('/v1/personalize')) result.requests.push({ method: r.method(), url: r.url() }) })
  page.on('requestfailed', r => result.consoleErrors.push(`${r.method()} ${r.url()} failed: ${r.failure()?.errorText}`))
  page.on('response', r => {
    if (r.url().startsWith(tailor) && !r.url().includes('/v1/personalize')) result.tracking.push({ url: r.url(), status: r.status(), method: r.request().method() })
  })
  page.on('console', m => { if (m.type() === 'error') result.consoleErrors.push(m.text()) })
  page.on('pageerror', e => result.consoleErrors.push(String(e)))

  const query = new URLSearchParams({ tailor, writeKey, placement, run })
  await page.goto(`${shop}/shop.html?${query}`)
  took.loaded = Date.now() - started
  await page.waitForFunction(() => ['sent', 'failed'].includes(document.getElementById('offer').dataset.state), null,
    { timeout: Math.max(1000, deadline - Date.now()) })
  took.sent = Date.now() - started
  result.anonymousId = await page.evaluate(() => document.getElementById('offer').dataset.anonymousId ?? null)
  await page.screenshot({ path: join(artifacts, 'sent.png') })

  // Tailor acknowledges events before its profile pipeline folds them: ask until the offer is personalised.
  while (await page.evaluate(() => document.getElementById('offer').dataset.state) !== 'failed') {
    const answer = await page.evaluate(() => showOffer())
    result.attempts++
    result.answer = answer
    if (answer.status !== 200 || answer.personalized || Date.now() > deadline) break
    await page.waitForTimeout(200)
  }
  took.personalized = Date.now() - started
  result.state = await page.evaluate(() => document.getElementById('offer').dataset.state)
  result.offer = await page.evaluate(() => document.getElementById('offer').textContent)
  await page.screenshot({ path: join(artifacts, 'offer.png') })
} finally {
  await browser.close()
  server.close()
}
took.closed = Date.now() - started
console.log(JSON.stringify(result))
