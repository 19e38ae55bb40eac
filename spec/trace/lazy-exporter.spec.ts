// LazyExporter: the real exporter is loaded on the first export only, once; a load that fails is an
// export failure, not a throw; shutdown of one never used loads nothing.

import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { LazyExporter } from '../../src/trace/lazy-exporter.js';

class CountingExporter implements SpanExporter {
  exported = 0;
  isShutDown = false;
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  async shutdown(): Promise<void> {
    this.isShutDown = true;
  }
}

const exportOnce = (e: SpanExporter, n: number): Promise<ExportResult> => new Promise((resolve) => e.export(Array.from({ length: n }, () => ({}) as ReadableSpan), resolve));

describe('LazyExporter', () => {
  it('loads the real exporter on the first export, once, and forwards every batch and the shutdown', async () => {
    let loads = 0;
    const real = new CountingExporter();
    const lazy = new LazyExporter(async () => (loads++, real));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([exportOnce(lazy, 2), exportOnce(lazy, 3)]);
    expect([a.code, b.code]).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(loads).toBe(1);
    expect(real.exported).toBe(5);
    await lazy.shutdown();
    expect(real.isShutDown).toBe(true);
  });

  it('reports a load that fails as a failed export, with its error', async () => {
    const lazy = new LazyExporter(() => Promise.reject(new Error('module missing')));
    const r = await exportOnce(lazy, 1);
    expect(r.code).toBe(ExportResultCode.FAILED);
    expect(r.error?.message).toBe('module missing');
    await expect(lazy.shutdown()).resolves.toBeUndefined();
  });

  it('never loads anything to shut down an exporter that exported nothing', async () => {
    let loads = 0;
    const lazy = new LazyExporter(async () => (loads++, new CountingExporter()));
    await lazy.shutdown();
    await lazy.forceFlush();
    expect(loads).toBe(0);
  });
});
