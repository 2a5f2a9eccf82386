// First paint of the dashboard's main pages in Debian's headless Chromium (issue 16: "first paint ≤ 1 s on loopback
// with 100,000 profiles"), driven by bench/dashboard-paint.sh:
//
//   node paint.mjs TAILOR_ORIGIN ADMIN_KEY PROFILE_ID SEGMENT_ID [ROUNDS=3] [CHROMIUM=/usr/bin/chromium]
//
// Signs in with the admin key, then opens each page ROUNDS times, each time in a new tab of the one browser context (the
// session cookie kept; the stylesheet and script cached after the first round, as for a returning user), and reads
// Chromium's own paint timings: first-paint and first-contentful-paint (ms from the start of navigation), and the
// HTML's responseEnd. Prints one JSON line: every round, and the median per page.
import { createRequire } from 'node:module'
const require = createRequire(new URL('../../tests/browser/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const [tailor, adminKey, profileId, segmentId, roundsText = '3', executable = '/usr/bin/chromium'] = process.argv.slice(2)
const rounds = Number(roundsText)
const pages = [
  ['profiles search', '/profiles?q=bench-77777'],
  ['profile', `/profiles/${profileId}`],
  ['segments', '/segments'],
  ['segment', `/segments/${segmentId}`],
  ['journeys', '/journeys'],
  ['campaigns', '/campaigns'],
  ['content', '/content'],
  ['experiments', '/experiments'],
  ['operations', '/operations'],
]
const browser = await chromium.launch({
  executablePath: executable, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const result = { rounds, pages: {} }
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  const signIn = await context.newPage()
  await signIn.goto(`${tailor}/sign-in`)
  await signIn.getByLabel('Admin key', { exact: true }).fill(adminKey)
  await signIn.getByRole('button', { name: 'Sign in', exact: true }).click()
  await signIn.waitForURL(`${tailor}/`)
  await signIn.close()
  for (const [name, path] of pages) {
    const runs = []
    for (let i = 0; i < rounds; i++) {
      const tab = await context.newPage()
      const response = await tab.goto(`${tailor}${path}`, { waitUntil: 'load' })
      if (response.status() !== 200) throw new Error(`${path}: ${response.status()}`)
      // Paint entries are queued after the frame is painted: wait for the contentful one.
      await tab.waitForFunction(() => performance.getEntriesByType('paint').some(p => p.name === 'first-contentful-paint'))
      runs.push(await tab.evaluate(() => {
        const paint = Object.fromEntries(performance.getEntriesByType('paint').map(p => [p.name, p.startTime]))
        const nav = performance.getEntriesByType('navigation')[0]
        return { firstPaint: paint['first-paint'], firstContentfulPaint: paint['first-contentful-paint'], htmlDone: nav.responseEnd, bytes: nav.transferSize }
      }))
      await tab.close()
    }
    result.pages[name] = {
      path, runs,
      median: { firstPaint: median(runs.map(r => r.firstPaint)), firstContentfulPaint: median(runs.map(r => r.firstContentfulPaint)), htmlDone: median(runs.map(r => r.htmlDone)) },
    }
  }
} finally {
  await browser.close()
}
console.log(JSON.stringify(result))
