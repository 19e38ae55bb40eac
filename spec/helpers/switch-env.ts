// A small SwitchEnv for calling Switch.handle directly: iso87ascii, the fixture routes and cards in
// a StubIssuer the test can read balances from, a LogCollector, and sinks that keep every trace
// and audit record. Test-only.

import { readFileSync } from 'node:fs';
import { builtinCodec, type IsoMessage } from '../../src/codec/index.js';
import { StubIssuer } from '../../src/issuer/index.js';
import type { IssuerBackend } from '../../src/common/index.js';
import { BinTable, DuplicateCache, InlineJournal, OriginalsTable, Switch, dialectOf, type AuditAppender, type SwitchEnv } from '../../src/switch/index.js';
import type { TraceRecord, TraceSink } from '../../src/trace/index.js';
import { LogCollector } from './log-collector.js';
import { ROUTES_PATH, fileCards } from './test-cards.js';

export const CONN = Object.freeze({ connId: 'c1', remote: '127.0.0.1:40000' });

/** Keeps every exported trace. */
export class TraceCapture implements TraceSink {
  readonly traces: TraceRecord[] = [];
  export(trace: TraceRecord): void {
    this.traces.push(trace);
  }
  isSampled(): boolean {
    return true;
  }
  async shutdown(): Promise<void> {}
}

/** Keeps every audit record; `failWith` makes append reject. */
export class AuditCapture implements AuditAppender {
  readonly records: Array<Record<string, unknown>> = [];
  failWith: Error | null = null;
  async append(recordJson: string): Promise<void> {
    if (this.failWith !== null) throw this.failWith;
    const record = JSON.parse(recordJson) as Record<string, unknown>;
    // The chain hashes this text as the canonical form: it must be what JSON.stringify writes.
    if (JSON.stringify(record) !== recordJson) throw new Error(`audit record text is not canonical JSON: ${recordJson}`);
    this.records.push(record);
  }
}

export interface TestSwitch {
  sw: Switch;
  env: SwitchEnv;
  stub: StubIssuer;
  log: LogCollector;
  traces: TraceCapture;
  audit: AuditCapture;
  /** Packs `msg`, hands it to Switch.handle, and decodes the answer (null: none). */
  answer(msg: IsoMessage): Promise<IsoMessage | null>;
}

/** A Switch over the fixture routes and cards; `overrides` replace parts of its env. */
export function testSwitch(overrides: Partial<SwitchEnv> = {}, issuers: Record<string, IssuerBackend<IsoMessage>> = {}): TestSwitch {
  const stub = new StubIssuer(fileCards());
  const log = new LogCollector('trace');
  const codec = overrides.codec ?? builtinCodec('iso87ascii');
  const env: SwitchEnv = {
    codec,
    dialect: dialectOf(codec.spec),
    routes: new BinTable(JSON.parse(readFileSync(ROUTES_PATH, 'utf8')).routes, ROUTES_PATH),
    issuers: new Map<string, IssuerBackend<IsoMessage>>([['stub', stub], ...Object.entries(issuers)]),
    duplicates: new DuplicateCache(),
    originals: new OriginalsTable(),
    issuerTimeoutMs: 200,
    logger: log,
    ...overrides,
  };
  const traces = new TraceCapture();
  const audit = new AuditCapture();
  const sw = new Switch(env, traces, new InlineJournal(audit, log));
  return {
    sw, env, stub, log, traces, audit,
    async answer(msg) {
      const bytes = await sw.handle(env.codec.pack(msg), CONN);
      return bytes === null ? null : env.codec.unpack(bytes);
    },
  };
}
