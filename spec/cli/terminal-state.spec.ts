import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_LENGTH, findInHistory, readState, recordAnswer, remember, takeStan, writeState } from '../../src/cli/terminal-state.js';
import { builtinCodec, IsoMessage } from '../../src/codec/index.js';
import { buildTerminalRequest } from '../../src/sim/index.js';
import { cardFor } from '../helpers/test-cards.js';

const codec = builtinCodec('iso87ascii');
const PAN = cardFor('00').pan;
const NOW = new Date(Date.UTC(2026, 5, 12, 14, 30, 15));

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isotrace-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An auth of `stan` as the terminal command sends it. */
function auth(stan: string): IsoMessage {
  return buildTerminalRequest('auth', {
    pan: PAN, expiry: '2812', amount: '000000001250', currency: '840', terminalId: 'TERM0001', merchantId: 'MERCHANT0000001',
    acquirerId: '123456', stan, original: null,
  }, NOW, codec);
}

describe('terminal state', () => {
  it(`issue #13: keeps the last ${HISTORY_LENGTH} auths with their answers and never the PAN when written and read back`, () => {
    const state = readState(dir, 'TERM0001');
    for (let i = 0; i < HISTORY_LENGTH + 5; i++) {
      const entry = remember(state, auth(takeStan(state)));
      recordAnswer(entry, new IsoMessage('0110').set(37, `61631400${String(i).padStart(4, '0')}`).set(39, '00'));
    }
    writeState(dir, 'TERM0001', state);
    expect(readFileSync(join(dir, 'TERM0001.json'), 'utf8')).not.toContain(PAN);
    const back = readState(dir, 'TERM0001');
    expect(back.nextStan).toBe(HISTORY_LENGTH + 6);
    expect(back.history).toHaveLength(HISTORY_LENGTH);
    expect(back.history[0]).toEqual({
      mti: '0100', stan: '000006', transmission: '0612143015', amount: '000000001250', currency: '840', acquirer: '123456',
      rrn: '616314000005', localTime: expect.stringMatching(/^\d{6}$/), localDate: expect.stringMatching(/^\d{4}$/), rc: '00',
    });
    expect(findInHistory(back, '000006')).toBe(back.history[0]);
    expect(findInHistory(back, '000005')).toBeUndefined();
    expect(findInHistory(back, undefined)?.stan).toBe(String(HISTORY_LENGTH + 5).padStart(6, '0'));
  });

  it('finds the newest entry when a STAN was used twice', () => {
    const state = readState(dir, 'TERM0001');
    remember(state, auth('000007'));
    const second = remember(state, auth('000007'));
    expect(findInHistory(state, '000007')).toBe(second);
  });

  it('reads the one-transaction state of earlier versions as a history of one, in USD', () => {
    writeFileSync(join(dir, 'TERM0001.json'), JSON.stringify({ nextStan: 3, last: { mti: '0200', stan: '000002', transmission: '0612143015', amount: '000000000725', acquirer: '123456' } }));
    const state = readState(dir, 'TERM0001');
    expect(state.history).toEqual([{ mti: '0200', stan: '000002', transmission: '0612143015', amount: '000000000725', currency: '840', acquirer: '123456', rrn: null, localTime: null, localDate: null, rc: null }]);
  });

  it.each([
    ['a file that is not JSON', 'not json'],
    ['an entry with a malformed STAN', JSON.stringify({ nextStan: 9, history: [{ mti: '0100', stan: '12', transmission: '0612143015', amount: '000000000725', currency: '840', acquirer: '123456' }] })],
  ])('starts without history when given %s', (_what, text) => {
    writeFileSync(join(dir, 'TERM0001.json'), text);
    expect(readState(dir, 'TERM0001').history).toEqual([]);
  });

  it.each([
    ['a folder that cannot be made (under /proc, where a recursive mkdir never returns)', '/proc/nope'],
    ['a file', 'FILE'],
  ])('issue #13: refuses with CLI_FILE_ACCESS naming --state-dir when it is %s', (_what, where) => {
    const target = where === 'FILE' ? join(dir, 'file') : where;
    if (where === 'FILE') writeFileSync(target, '');
    expect(() => writeState(target, 'TERM0001', { nextStan: 1, history: [] })).toThrow(
      expect.objectContaining({ code: 'CLI_FILE_ACCESS', message: expect.stringContaining(`--state-dir ${target}:`) }),
    );
  });
});
