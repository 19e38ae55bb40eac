// The metric families of the remote issuers: per link its state, round trips, requests, timeouts,
// sign-ons and drops (IsoClient's own counters); per issuer its store-and-forward queue. Labels are
// the issuer and link names of the routes file: bounded configuration.

import type { Registry } from 'prom-client';
import type { RemoteIssuer } from '../issuer/index.js';
import type { IsoClient } from '../link/index.js';
import type { AdviceQueue } from '../saf/index.js';
import { BucketHistogram, LATENCY_BUCKETS_SECONDS } from '../common/index.js';
import { ScrapedMetric, type Samples } from './scraped-metric.js';

/** One link as the families read it. */
export interface MeasuredLink {
  readonly issuer: string;
  readonly link: string;
  readonly client: IsoClient;
  readonly roundTrips: BucketHistogram;
}

/** What the issuer families read: empty until the host runs. */
export interface IssuerSources {
  links: readonly MeasuredLink[];
  issuers: readonly string[];
  saf: AdviceQueue | null;
}

/** The links of `issuers`, each now measuring its round trips into a histogram of its own. */
export function measuredLinks(issuers: readonly RemoteIssuer[]): MeasuredLink[] {
  return issuers.flatMap((issuer) => issuer.links.map(({ client }) => {
    const roundTrips = new BucketHistogram(LATENCY_BUCKETS_SECONDS);
    client.measureRoundTrips(roundTrips);
    return { issuer: issuer.name, link: client.options.name, client, roundTrips };
  }));
}

/** A family with one sample per link, `value` of its client. */
function perLink(registry: Registry, name: string, type: 'counter' | 'gauge', help: string, src: IssuerSources, value: (l: MeasuredLink) => number): void {
  new ScrapedMetric(name, type, help, (out) => {
    for (const l of src.links) out.add(value(l), { issuer: l.issuer, link: l.link });
  }).register(registry);
}

/** The issuers the queue reports: the configured remote ones, and any it still owes from before. */
function safIssuers(src: IssuerSources): string[] {
  return src.saf === null ? [] : [...new Set([...src.issuers, ...src.saf.issuers()])];
}

/** Registers the link and store-and-forward families, read from `src` (filled in once the host runs). */
export function registerIssuerFamilies(registry: Registry, src: IssuerSources, nowMs: () => number = Date.now): void {
  perLink(registry, 'isotrace_issuer_link_up', 'gauge', '1 while the link is up (connected, and signed on when it signs on), else 0', src, (l) => (l.client.isUp ? 1 : 0));
  new ScrapedMetric('isotrace_issuer_link_round_trip_seconds', 'histogram', 'From a request written on the link to its matched answer (sign-ons and echoes included)', (out: Samples) => {
    for (const l of src.links) out.addHistogram(l.roundTrips, { issuer: l.issuer, link: l.link });
  }).register(registry);
  perLink(registry, 'isotrace_issuer_link_requests_total', 'counter', 'Requests written on the link (network management included)', src, (l) => l.client.stats.sent);
  perLink(registry, 'isotrace_issuer_link_timeouts_total', 'counter', 'Requests on the link not answered within the issuer timeout', src, (l) => l.client.stats.timedOut);
  perLink(registry, 'isotrace_issuer_link_sign_ons_total', 'counter', 'Sign-ons the issuer accepted on the link (0 for a link that does not sign on)', src, (l) => (l.client.options.hasSignOn ? l.client.stats.linkUps : 0));
  perLink(registry, 'isotrace_issuer_link_drops_total', 'counter', 'Times the link went down after being up', src, (l) => l.client.stats.linkDowns);
  new ScrapedMetric('isotrace_saf_depth', 'gauge', 'Reversal advices owed to the issuer (queued or sent, not yet acknowledged)', (out) => {
    for (const issuer of safIssuers(src)) out.add(src.saf!.depth(issuer).count, { issuer });
  }).register(registry);
  new ScrapedMetric('isotrace_saf_oldest_age_seconds', 'gauge', 'Age of the oldest advice owed to the issuer; 0 when none is', (out) => {
    const now = nowMs();
    for (const issuer of safIssuers(src)) {
      const oldest = src.saf!.depth(issuer).oldestCreatedAt;
      out.add(oldest === null ? 0 : Math.max(0, now - oldest) / 1000, { issuer });
    }
  }, 'max').register(registry);
}
