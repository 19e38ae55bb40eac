// remoteParentOf: the caller's traceparent read from the configured field path, and a new trace
// (logged at debug, never a failure) when it is absent or malformed.

import { describe, expect, it } from 'vitest';
import { IsoMessage, parseFieldPath } from '../../src/codec/index.js';
import { remoteParentOf } from '../../src/switch/trace-parent.js';
import { LogCollector } from '../helpers/log-collector.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${SPAN_ID}-01`;
const DE63 = parseFieldPath('63')!;
const DE48_TP = parseFieldPath('48:TP')!;

describe('remoteParentOf', () => {
  it('continues the trace named in a whole field or a DE 48 subelement', () => {
    const log = new LogCollector('debug');
    const expected = { traceId: TRACE_ID, spanId: SPAN_ID, isSampled: true };
    expect(remoteParentOf(new IsoMessage('0100').set(63, TRACEPARENT), DE63, log)).toEqual(expected);
    expect(remoteParentOf(new IsoMessage('0100').set(48, `AB002hiTP055${TRACEPARENT}`), DE48_TP, log)).toEqual(expected);
    expect(log.lines).toEqual([]);
  });

  it.each([
    ['absent', new IsoMessage('0100'), DE63, 'absent'],
    ['a subelement absent', new IsoMessage('0100').set(48, 'AB002hi'), DE48_TP, 'absent'],
    ['not a traceparent', new IsoMessage('0100').set(63, 'hello'), DE63, 'malformed'],
    ['an all-zero trace id', new IsoMessage('0100').set(63, `00-${'0'.repeat(32)}-${SPAN_ID}-01`), DE63, 'malformed'],
    ['subelements that do not parse', new IsoMessage('0100').set(48, 'AB9'), DE48_TP, 'malformed'],
  ])('starts a new trace, logged at debug, when the context is %s', (_what, msg, path, reason) => {
    const log = new LogCollector('debug');
    expect(remoteParentOf(msg, path, log)).toBeNull();
    expect(log.events('trace.context_ignored')).toEqual([expect.objectContaining({ level: 'debug', reason, mti: '0100' })]);
    expect(log.text()).not.toContain('hello');
  });

  it('logs nothing when debug is off', () => {
    const log = new LogCollector('info');
    expect(remoteParentOf(new IsoMessage('0100'), DE63, log)).toBeNull();
    expect(log.lines).toEqual([]);
  });
});
