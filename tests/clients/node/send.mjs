// Sends one customer's story to Tailor with the real Segment Node client, the way a backend would.
// Usage: node send.mjs <host> <writeKey> <runId>   (or TAILOR_HOST, TAILOR_WRITE_KEY, TAILOR_RUN_ID)
// Exits non-zero if any delivery failed (refused or unreachable), so the calling test sees the reason.
import { Analytics } from '@segment/analytics-node'

const [host = process.env.TAILOR_HOST, writeKey = process.env.TAILOR_WRITE_KEY, runId = process.env.TAILOR_RUN_ID] = process.argv.slice(2)
if (!host || !writeKey || !runId) {
  console.error('usage: node send.mjs <host> <writeKey> <runId>')
  process.exit(2)
}

const analytics = new Analytics({
  writeKey,
  host,
  path: '/v1/batch',
  flushAt: 20, // everything goes in one batch, sent by closeAndFlush
  flushInterval: 60_000,
  maxRetries: 2,
  httpRequestTimeout: 10_000,
})

const failures = []
analytics.on('http_response', (r) => {
  console.log(`POST ${r.url} -> ${r.status}`)
  if (r.status < 200 || r.status >= 300) failures.push(`${r.status} ${r.statusText}`)
})
analytics.on('error', (err) => failures.push(String(err?.reason ?? err?.message ?? err)))

const userId = `node-user-${runId}`
const anonymousId = `node-anon-${runId}`
const legacyUserId = `node-legacy-${runId}`

// Browsing anonymously, then signing up.
analytics.page({ anonymousId, category: 'Shop', name: 'Home', properties: { url: 'https://shop.example/' } })
analytics.identify({
  userId,
  anonymousId,
  traits: { email: `Node.${runId}@Example.com`, name: 'Nora Node', plan: 'pro', runId },
})
analytics.track({ userId, event: 'Order Completed', properties: { orderId: `o1-${runId}`, revenue: 42.5, currency: 'EUR' } })
analytics.track({ userId, event: 'Order Completed', properties: { orderId: `o2-${runId}`, revenue: 10, currency: 'EUR' } })
analytics.group({ userId, groupId: `company-${runId}`, traits: { name: 'Example Corp' } })
// The same person under the id an older system gave her; alias ties the two users together.
analytics.track({ userId: legacyUserId, event: 'Order Completed', properties: { orderId: `o0-${runId}`, revenue: 7.5 } })
analytics.alias({ userId, previousId: legacyUserId })

await analytics.closeAndFlush({ timeout: 20_000 })
if (failures.length > 0) {
  console.error(`Delivery to Tailor failed: ${failures.join('; ')}`)
  process.exit(1)
}
console.log('sent 7 messages')
