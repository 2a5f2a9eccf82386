// The page's copy of Segment's browser library: the npm package, bundled here at test time (no CDN).
import { AnalyticsBrowser } from '@segment/analytics-next'

window.AnalyticsBrowser = AnalyticsBrowser
