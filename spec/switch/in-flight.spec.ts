// Approvals in flight: a reversal waits until no request with its original's key is under way.

import { describe, expect, it } from 'vitest';
import { InFlightOriginals } from '../../src/switch/in-flight.js';

describe('InFlightOriginals', () => {
  it('has nothing to wait for when no request with the key is under way', () => {
    const f = new InFlightOriginals();
    expect(f.settled('000001|1205120000')).toBeNull();
    f.begin('000001|1205120000');
    f.end('000001|1205120000');
    expect(f.settled('000001|1205120000')).toBeNull();
    expect(f.size).toBe(0);
  });

  it('lets waiting reversals go once every request with the key has ended, not before', async () => {
    const f = new InFlightOriginals();
    const key = '000002|1205120000';
    f.begin(key);
    f.begin(key);
    const order: string[] = [];
    const a = f.settled(key)!.then(() => order.push('a'));
    const b = f.settled(key)!.then(() => order.push('b'));
    f.begin('000003|1205120000');
    f.end(key);
    await Promise.resolve();
    expect(order).toEqual([]);
    f.end(key);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(f.settled('000003|1205120000')).not.toBeNull();
    expect(f.size).toBe(1);
  });
});
