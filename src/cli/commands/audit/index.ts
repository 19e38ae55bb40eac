// `isotrace audit`: registers its sub-commands, one file each: list, show, verify, tail; format.ts
// and options.ts are what they share.

import { basename } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../../io.js';
import { DEFAULT_LIST_LIMIT, runAuditList } from './list.js';
import { runAuditShow } from './show.js';
import { DEFAULT_TAIL_LINES, runAuditTail } from './tail.js';
import { runAuditVerify } from './verify.js';

const DIR_HELP = 'the audit directory; also ISOTRACE_AUDIT_DIR (default: ./var/audit)';
const STORE_HELP = 'read the transaction log in PostgreSQL (postgres://...) instead of a directory; also ISOTRACE_DATABASE_URL when --dir is not given';

/** Registers `isotrace audit` and its sub-commands on `program`. */
export function registerAudit(program: Command, io: Io, setExit: (code: number) => void): void {
  const audit = program.command('audit').description('work with the audit log: list, show, verify, tail');
  audit
    .command('list')
    .description('the newest audit records matching the filters, newest first, as a table (times in UTC)')
    .option('--dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--since <time>', 'received at or after: ISO 8601 (UTC unless an offset is given) or a span back from now, e.g. 15m, 2h, 1d')
    .option('--until <time>', 'received before: as --since')
    .option('--terminal <id>', 'terminal id (DE 41)')
    .option('--rc <code>', 'response code (DE 39): 2 characters, or a 1993 action code of 3 digits such as 000')
    .option('--mti <mti>', 'request MTI, e.g. 0100')
    .option('--stan <stan>', 'STAN (DE 11), six digits')
    .option('--rrn <rrn>', 'RRN (DE 37), twelve characters')
    .option('--limit <n>', `at most this many records (default: ${DEFAULT_LIST_LIMIT})`)
    .option('--json', 'print the records as one JSON array')
    .addHelpText('after', '\nExample:\n  isotrace audit list --since 15m --terminal TERM0001 --rc 05')
    .action(async (opts) => setExit(await runAuditList(opts, io, process.env)));
  audit
    .command('show')
    .description('one audit record by record id, trace id (or a unique prefix of one), RRN or STAN, with a waterfall of its stages; several matches are listed (exit 1)')
    .argument('[key]', 'record id, trace id, a prefix of either (e.g. the 8 digits audit list prints), or RRN')
    .option('--dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--stan <stan>', 'only records with this STAN (DE 11); without a key, the lookup itself')
    .option('--terminal <id>', 'only records of this terminal (DE 41)')
    .option('--mti <mti>', 'only records with this request MTI, e.g. 0400')
    .option('--all', 'show every match in full (newest first) instead of listing them')
    .option('--json', 'print the record as JSON (several: an array)')
    .addHelpText('after', '\nExamples:\n  isotrace audit show c922e09c\n  isotrace audit show --stan 370813 --terminal TERM0001\n  isotrace audit show 632721370813 --all')
    .action(async (key: string | undefined, opts) => setExit(await runAuditShow(key, opts, io, process.env)));
  audit
    .command('verify')
    .description('recompute the hash chain of the audit log (with --store: every node\'s chain); exit 1 naming the first broken line (node and seq)')
    .option('--dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--key-env <name>', 'the environment variable holding the HMAC key (default: ISOTRACE_AUDIT_KEY)')
    .addHelpText('after', '\nExample:\n  ISOTRACE_AUDIT_KEY=... isotrace audit verify --dir ./var/audit')
    .action(async (opts) => setExit(await runAuditVerify(opts, io, process.env)));
  audit
    .command('tail')
    .description('the last records, one line each; with -f every new record as it is written, until Ctrl-C')
    .option('--dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('-f, --follow', 'keep printing new records until interrupted')
    .option('-n, --lines <n>', `how many of the last records to print first (default: ${DEFAULT_TAIL_LINES})`)
    .option('--json', 'one JSON record per line')
    .addHelpText('after', '\nExample:\n  isotrace audit tail -f -n 0 --json')
    .action(async (opts) => {
      const abort = new AbortController();
      const onSigint = (): void => abort.abort();
      process.once('SIGINT', onSigint);
      try {
        setExit(await runAuditTail(opts, io, process.env, { signal: abort.signal }));
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
