// `isotrace audit verify --store URL`: every node's chain in the transaction log, checked by
// src/store's verifyTxnLog; one line per node on stdout, and the first break of each broken node
// on one error line.

import { AuditError } from '../../../audit/index.js';
import { plural } from '../../../common/index.js';
import { openTxnLogReader, verifyTxnLog, type NodeChainResult } from '../../../store/index.js';
import { EXIT, errorLine, type ExitCode, type Io } from '../../io.js';

/**
 * A node's line: `audit: node "switch-a": 1200 records, chain intact` (with `from seq 5001,
 * the older ones removed by retention` when they were), or where it breaks.
 */
export function nodeLine(r: NodeChainResult): string {
  const what = `audit: node "${r.nodeId}": `;
  const from = r.startSeq === 0 ? '' : ` from seq ${r.startSeq + 1}, the older ones removed by retention`;
  return r.broken === null ? `${what}${plural(r.records, 'record')}${from}, chain intact` : `${what}chain broken at seq ${r.broken.seq} (${plural(r.records, 'record')}${from} before it intact)`;
}

/**
 * Verifies every node's chain in the store at `url` with `key`: 0 when all hold, 1 when any breaks
 * (stderr: `isotrace: AUDIT_CHAIN_BROKEN node "a" seq 5: why; node "b" seq 9: why`).
 * @throws as openTxnLogReader and verifyTxnLog (AUDIT_KEY_REQUIRED for a keyed chain and no key).
 */
export async function verifyStore(url: string, key: Buffer | null, io: Io): Promise<ExitCode> {
  const client = await openTxnLogReader(url);
  let results: NodeChainResult[];
  try {
    results = await verifyTxnLog(client, key);
  } finally {
    await client.end().catch(() => {});
  }
  if (results.length === 0) {
    io.out('audit: the transaction log holds no records');
    return EXIT.OK;
  }
  for (const r of results) io.out(nodeLine(r));
  const broken = results.filter((r) => r.broken !== null);
  if (broken.length === 0) return EXIT.OK;
  io.err(errorLine(new AuditError('AUDIT_CHAIN_BROKEN', broken.map((r) => `node "${r.nodeId}" seq ${r.broken!.seq}: ${r.broken!.reason}`).join('; '))));
  return EXIT.INVALID;
}
