// HostMetrics and the audit batch stats over real components (issue #16): the writer counts its
// batches and failures once per batch, a closed journal makes /readyz 503, and the histograms
// count by Prometheus's `le` rule.

import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditBatchStats, AuditWriter } from '../../src/audit/index.js';
import { JournalThread } from '../../src/journal/index.js';
import { AdminServer, HostMetrics } from '../../src/metrics/index.js';
import { BucketHistogram } from '../../src/common/index.js';
import { FrameServer } from '../../src/transport/index.js';
import { sampleRecord, SteeredFs, tempDir } from '../audit/helpers/audit-fixtures.js';
import { Resources } from '../helpers/serve-harness.js';
import { testSwitch } from '../helpers/switch-env.js';
import { sampleOf } from '../helpers/metrics-text.js';
import { advice, openQueue, safDir } from '../saf/helpers/saf-fixtures.js';
import { CaptureLogger } from '../trace/helpers/capture-logger.js';

const resources = new Resources();
afterEach(() => resources.run());

describe('BucketHistogram', () => {
  it('issue #16: counts a value equal to a bound in that bucket, and above the last in +Inf', () => {
    const h = new BucketHistogram([1, 2, 5]);
    for (const v of [0, 1, 1.5, 2, 5, 6, 100]) h.observe(v);
    expect(h.cumulative()).toEqual([2, 4, 5, 7]);
    expect([h.count, h.sum]).toEqual([7, 115.5]);
    expect(() => new BucketHistogram([2, 1])).toThrow(RangeError);
  });
});

describe('AuditBatchStats', () => {
  it('issue #16: counts each batch of the writer (records and sync time), and its failures until one is written again', async () => {
    const fs = new SteeredFs();
    const batchStats = new AuditBatchStats();
    const writer = await AuditWriter.open({ dir: tempDir(), mode: 'strict', key: null, fs, logger: new CaptureLogger(), batchStats });
    await Promise.all([0, 1, 2].map((i) => writer.append(sampleRecord(i))));
    await writer.append(sampleRecord(3));
    expect([batchStats.records.count, batchStats.records.sum, batchStats.syncSeconds.count]).toEqual([2, 4, 2]);
    expect(batchStats.records.cumulative().slice(0, 3)).toEqual([1, 1, 2]); // one batch of 1, one of 3 (le 4)
    fs.failSync = 'EIO';
    await writer.append(sampleRecord(4)).catch(() => {});
    expect([batchStats.failedBatches, batchStats.isFailing, batchStats.records.sum]).toEqual([1, true, 4]);
    fs.failSync = null;
    await writer.append(sampleRecord(5));
    expect([batchStats.failedBatches, batchStats.isFailing, batchStats.records.sum]).toEqual([1, false, 5]);
    await writer.close();
    // The same buffer, read through another view (as the main thread reads the journal thread's).
    expect(new AuditBatchStats(batchStats.buffer).records.sum).toBe(5);
  });
});

describe('HostMetrics', () => {
  it('issue #16: makes /readyz 503 until the host is attached and once its audit journal is closed', async () => {
    const server = new FrameServer(() => null, { host: '127.0.0.1', port: 0 });
    const metrics = new HostMetrics(server);
    const logger = new CaptureLogger();
    const adminServer = new AdminServer({ host: '127.0.0.1', port: 0, source: metrics, logger });
    resources.add(() => adminServer.close());
    resources.add(() => server.close());
    await server.listen();
    const { port } = await adminServer.listen();
    const readyz = async (): Promise<[number, string]> => {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      return [res.status, await res.text()];
    };
    expect(await readyz()).toEqual([503, '{"status":"not ready","reasons":["starting"]}\n']);
    const journal = await JournalThread.open({ dir: tempDir(), mode: 'strict', key: null, logger, batchStats: metrics.batchStats });
    resources.add(() => journal.close());
    const { sw } = testSwitch();
    metrics.attach({ switch: sw, journal, issuers: [], saf: null });
    expect(await readyz()).toEqual([200, '{"status":"ready"}\n']);
    await journal.close();
    expect(await readyz()).toEqual([503, '{"status":"not ready","reasons":["audit journal stopped"]}\n']);
    const text = await metrics.metricsText();
    expect(sampleOf(text, 'isotrace_audit_writable')).toBe(0);
    expect(logger.events('admin.listening')).toMatchObject([{ evt: 'admin.listening', host: '127.0.0.1', port }]);
  });

  it('issue #16: counts framing errors and refused connections by reason from the server\'s events', async () => {
    const server = new FrameServer(() => null, { host: '127.0.0.1', port: 0, maxFrameBytes: 64, maxConnections: 1 });
    const metrics = new HostMetrics(server);
    resources.add(() => server.close());
    const { port } = await server.listen();
    const opened = new Promise((resolve) => server.once('open', resolve));
    const first = connect(port, '127.0.0.1');
    first.on('error', () => {});
    await opened;
    const refused = new Promise((resolve) => server.once('refused', resolve));
    const second = connect(port, '127.0.0.1');
    second.on('error', () => {});
    await refused;
    const closed = new Promise((resolve) => server.once('close', resolve));
    first.write('9999'); // ascii4: a 9999-byte frame, over maxFrameBytes
    await closed;
    first.destroy();
    second.destroy();
    const text = await metrics.metricsText();
    expect(sampleOf(text, 'isotrace_frames_rejected_total', { reason: 'too_large' })).toBe(1);
    expect(sampleOf(text, 'isotrace_connections_closed_total', { reason: 'framing-error' })).toBe(1);
    expect(sampleOf(text, 'isotrace_connections_accepted_total')).toBe(1);
    expect(sampleOf(text, 'isotrace_connections_refused_total', { reason: 'max-connections' })).toBe(1);
    metrics.close();
  });

  it('issue #16: reports the advices the queue owes, per issuer, with the oldest one\'s age, also for an issuer no longer configured', async () => {
    const server = new FrameServer(() => null, { host: '127.0.0.1', port: 0 });
    const metrics = new HostMetrics(server);
    const saf = await openQueue(safDir());
    const now = Date.now();
    await saf.enqueue(advice(1, 'zenith', { createdAt: now - 30_000 }));
    await saf.enqueue(advice(2, 'zenith', { createdAt: now - 10_000 }));
    const journal = await JournalThread.open({ dir: tempDir(), mode: 'strict', key: null, logger: new CaptureLogger(), batchStats: metrics.batchStats });
    resources.add(() => journal.close());
    metrics.attach({ switch: testSwitch().sw, journal, issuers: [], saf });
    const text = await metrics.metricsText();
    expect(sampleOf(text, 'isotrace_saf_depth', { issuer: 'zenith' })).toBe(2);
    expect(sampleOf(text, 'isotrace_saf_oldest_age_seconds', { issuer: 'zenith' })).toBeGreaterThanOrEqual(30);
    expect(sampleOf(text, 'isotrace_saf_oldest_age_seconds', { issuer: 'zenith' })).toBeLessThan(60);
    metrics.close();
  });
});
