// The dashboard end to end, driven by Tailor.Server.Tests (Browser/DashboardBrowserTests.cs):
//
//   node dashboard.mjs TAILOR_ORIGIN ADMIN_KEY SCENARIO_JSON ARTIFACT_DIR [CHROMIUM]
//
// In Debian's headless Chromium (playwright-core): sign in with an admin key, find a profile, build a segment with the
// visual builder, preview and save it, edit it (the builder read back from the text), compare it in the overlap matrix, create a journey, preview a campaign as a profile, send a test and start it (two steps), open a finished
// clustering run's analytics page, read an
// experiment's decision, and look at the segments at phone width. Writes screenshots to ARTIFACT_DIR and prints one
// JSON line: what each page showed, the first paint of the main pages, and every console error (CSP violations included).
import { chromium } from 'playwright-core'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'

const [tailor, adminKey, scenarioJson, artifacts, executable = '/usr/bin/chromium'] = process.argv.slice(2)
const scenario = JSON.parse(scenarioJson)
await mkdir(artifacts, { recursive: true })
const browser = await chromium.launch({
  executablePath: executable, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
const result = { consoleErrors: [], requests: [], paint: {} }
const shot = (page, name) => page.screenshot({ path: join(artifacts, name), fullPage: false })
const firstPaint = page => page.evaluate(() => performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint')?.startTime ?? null)
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } })
  const page = await context.newPage()
  page.on('console', m => { if (m.type() === 'error') result.consoleErrors.push(m.text()) })
  page.on('pageerror', e => result.consoleErrors.push(String(e)))
  page.on('request', r => result.requests.push(r.url()))
  page.setDefaultTimeout(15_000)

  // Sign in: a page without a session goes to the sign-in form and back.
  await page.goto(`${tailor}/profiles`)
  result.signInUrl = new URL(page.url()).pathname
  await page.getByLabel('Admin key', { exact: true }).fill(adminKey)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${tailor}/profiles`)
  result.navigation = await page.locator('header nav a').allTextContents()

  // Find a profile by its userId and open it.
  await page.getByLabel('Profile id, userId, email or anonymousId', { exact: true }).fill(scenario.userId)
  await page.getByRole('button', { name: 'Find', exact: true }).click()
  await page.locator('table a[href^="/profiles/"]').first().click()
  await page.waitForURL(/\/profiles\/prf_/)
  result.paint.profile = await firstPaint(page)
  result.profileHeading = await page.locator('h1').textContent()
  result.profileTraits = await page.locator('section[aria-labelledby="traits"] tbody tr td:first-child').allTextContents()
  await shot(page, 'profile.png')

  // Build a segment with the visual builder; the text form is what is previewed and saved.
  await page.goto(`${tailor}/segments/new`)
  await page.getByLabel('Name', { exact: true }).fill(scenario.segment)
  await page.getByLabel('Kind of condition to add', { exact: true }).selectOption('trait')
  await page.getByRole('button', { name: 'Add condition', exact: true }).click()
  await page.getByLabel('trait name', { exact: true }).fill('plan')
  await page.getByLabel('comparison', { exact: true }).selectOption('=')
  await page.getByLabel('value', { exact: true }).fill(scenario.plan)
  await page.getByLabel('Kind of condition to add', { exact: true }).selectOption('performed')
  await page.getByRole('button', { name: 'Add condition', exact: true }).click()
  await page.getByLabel('event name', { exact: true }).fill(scenario.event)
  await page.getByLabel('in last (days)', { exact: true }).fill('30')
  await page.getByRole('button', { name: 'Write rule text', exact: true }).click()
  result.ruleText = await page.locator('#rule').inputValue()
  await page.getByRole('button', { name: 'Preview', exact: true }).click()
  await page.locator('[data-preview]').waitFor()
  result.estimate = await page.locator('[data-estimate]').textContent()
  await shot(page, 'segment-builder.png')
  await page.getByRole('button', { name: 'Save segment', exact: true }).click()
  await page.waitForURL(/\/segments\/seg_/)
  result.savedSegmentUrl = new URL(page.url()).pathname

  // Edit it: the builder shows the saved rule's rows (read back by the server's parser) and writes the same text again.
  await page.goto(`${tailor}${result.savedSegmentUrl}/edit`)
  result.editRows = await page.locator('[data-rule-builder] .condition').count()
  await page.getByRole('button', { name: 'Write rule text', exact: true }).click()
  result.editRuleText = await page.locator('#rule').inputValue()
  await shot(page, 'segment-edit.png')

  // The overlap matrix of the new segment and the campaign's audience.
  await page.goto(`${tailor}/segments/overlap`)
  await page.getByLabel(scenario.segment, { exact: true }).check()
  await page.getByLabel(scenario.audience, { exact: true }).check()
  await page.getByRole('button', { name: 'Compare', exact: true }).click()
  await page.locator('[data-overlap-matrix]').waitFor()
  const common = () => page.locator('[data-overlap-matrix] td[data-common]').evaluateAll(cells => cells.map(c => c.dataset.common))
  // The saved segment's members are computed in the background after the save: reload (bounded) until they are in.
  for (let i = 0; i < 50 && (await common()).includes('0'); i++) { await page.waitForTimeout(100); await page.reload() }
  result.overlapCommon = await common()
  await shot(page, 'segment-overlap.png')

  await page.goto(`${tailor}/segments`)
  result.paint.segments = await firstPaint(page)

  // Create a journey from its JSON definition and look at its flow.
  await page.goto(`${tailor}/journeys`)
  await page.getByLabel('Definition (JSON)', { exact: true }).fill(JSON.stringify(scenario.journey))
  await page.getByRole('button', { name: 'Create journey', exact: true }).click()
  await page.locator('[data-created]').waitFor()
  await page.locator('[data-created] a').click()
  await page.waitForURL(/\/journeys\/.+/)
  result.flowBoxes = await page.locator('svg.flow rect').count()
  await shot(page, 'journey.png')

  // A campaign: preview as the profile, then a test send to the SMTP sink.
  await page.goto(`${tailor}/campaigns/${scenario.campaign}`)
  await page.getByLabel('Profile id or userId', { exact: true }).fill(scenario.userId)
  await page.getByRole('button', { name: 'Preview', exact: true }).click()
  await page.locator('[data-preview]').waitFor()
  result.previewSubject = await page.locator('[data-subject]').textContent()
  await page.getByLabel('To address', { exact: true }).fill(scenario.testAddress)
  await page.getByLabel('As profile (optional)', { exact: true }).fill(scenario.userId)
  await page.getByRole('button', { name: 'Send test', exact: true }).click()
  await page.locator('[data-test-sent]').waitFor()
  result.testSent = await page.locator('[data-test-sent]').textContent()
  await shot(page, 'campaign.png')

  // Start it, in two steps: the first button only asks, naming the audience; only the second starts the send.
  await page.getByRole('button', { name: 'Send campaign…', exact: true }).click()
  await page.locator('[data-confirm-start]').waitFor()
  result.startQuestion = (await page.locator('[data-confirm-start]').textContent())?.replace(/\s+/g, ' ').trim()
  await page.getByRole('button', { name: /^Yes, send to \d+ profiles?$/ }).click()
  await page.locator('[data-started]').waitFor()
  result.started = (await page.locator('[data-started]').textContent())?.trim()
  await shot(page, 'campaign-started.png')

  // A finished clustering run: from the analytics list to its page (elbow and silhouette drawn on the server, cluster profiles).
  await page.goto(`${tailor}/analytics?kind=cluster`)
  await page.locator(`a[href="/analytics/runs/${scenario.clusterRun}"]`).click()
  await page.waitForURL(`${tailor}/analytics/runs/${scenario.clusterRun}`)
  result.runHeading = (await page.locator('h1').textContent())?.replace(/\s+/g, ' ').trim()
  result.chartAlts = await page.locator('figure.chart img').evaluateAll(images => images.map(i => i.alt))
  result.chartsDrawn = await page.locator('figure.chart img').evaluateAll(images => images.map(i => i.complete && i.naturalWidth > 0))
  result.clusterSizes = await page.locator('[data-clusters] tbody tr td:nth-child(3)').allTextContents()
  result.suggestion = (await page.locator('[data-suggestion]').textContent())?.trim()
  await shot(page, 'analytics-run.png')

  // An experiment's results and the decision in words.
  await page.goto(`${tailor}/experiments/${scenario.experiment}`)
  result.decision = (await page.locator('[data-decision]').textContent())?.trim()
  await shot(page, 'experiment.png')

  // Phone width: the same pages in one column.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${tailor}/segments`)
  result.phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
  await shot(page, 'segments-phone.png')
} finally {
  await browser.close()
}
console.log(JSON.stringify(result))
