// SIGKILL of a process in the middle of a loop of enqueues, sends and acknowledgements (the built
// dist/, as the switch runs it; `npm test` builds first): reopened, nothing confirmed to the caller
// is lost or undone. (A kill does not tear a write(2) already made; a torn line, as a power cut
// leaves, is durability.spec.ts's case.)

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/child-serve.js';
import { advice, openQueue, safDir } from './helpers/saf-fixtures.js';

/** The child: five calls per turn, one line per call once it resolved (`q 7`, `s 7`, `a 7`). */
const CHILD = `
const { SafQueue } = await import(${JSON.stringify(join(ROOT, 'dist/src/saf/index.js'))});
const [dir, adviceJson] = process.argv.slice(1);
const base = JSON.parse(adviceJson);
const q = await SafQueue.open({ dir });
const say = (s) => process.stdout.write(s + '\\n');
for (let i = 0; ; i++) {
  const calls = [];
  for (let k = 0; k < 5; k++) calls.push(q.enqueue({ ...base, fields: { ...base.fields, 11: String(i * 5 + k).padStart(6, '0') } }).then((id) => {
    say('q ' + id);
    if (id % 3 !== 0) return q.markSent(id).then(() => {
      say('s ' + id);
      if (id % 3 === 1) return q.acknowledge(id).then(() => say('a ' + id));
    });
  }));
  await Promise.all(calls);
}
`;

describe('SafQueue under SIGKILL', () => {
  it('issue #15: killed mid-loop, reopened: every entry confirmed queued is there, sent ones repeat as 0421, acknowledged ones are gone', async () => {
    const dir = safDir();
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, dir, JSON.stringify(advice(0))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = once(child, 'exit');
    let out = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        if ((out.match(/^a /gm) ?? []).length >= 150) resolve();
      });
      child.once('exit', () => reject(new Error(`child ended: ${stderr}`)));
    });
    child.kill('SIGKILL');
    await exited;
    const said = out.split('\n').filter((l) => /^[qsa] \d+$/.test(l)).map((l) => [l[0], Number(l.slice(2))] as const);
    const ids = (kind: string): number[] => said.filter(([k]) => k === kind).map(([, id]) => id);

    const q = await openQueue(dir);
    const owed = new Map(q.entries().map((e) => [e.id, e]));
    const acked = new Set(ids('a'));
    const sent = new Set(ids('s'));
    // An acknowledgement the kill caught after its line reached the disk but before the child said
    // so may have taken its entry: only entries whose acknowledgement was already asked for.
    const mayBeAcked = (id: number): boolean => id % 3 === 1 && sent.has(id);
    for (const id of ids('q')) if (!acked.has(id) && !mayBeAcked(id)) expect(owed.has(id), `entry ${id} confirmed queued`).toBe(true);
    for (const id of acked) expect(owed.has(id), `entry ${id} confirmed acknowledged`).toBe(false);
    for (const id of sent) if (!acked.has(id) && owed.has(id)) expect(owed.get(id)?.state, `entry ${id} confirmed sent`).toBe('sent');
    for (const id of sent) if (!owed.has(id)) expect(mayBeAcked(id), `entry ${id} gone without an acknowledgement asked for`).toBe(true);
    // What the kill caught in flight may or may not be there; the queue goes on after the highest id either way.
    const next = await q.enqueue(advice(1));
    expect(next).toBeGreaterThan(Math.max(...ids('q')));
  });
});
