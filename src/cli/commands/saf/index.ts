// `isotrace saf`: registers its sub-commands: list and show (list.ts, read without the lock),
// retry and purge (change.ts, as the queue's owner, or row by row in the store); format.ts and options.ts are what they share.

import type { Command } from 'commander';
import type { Io } from '../../io.js';
import { runSafPurge, runSafRetry } from './change.js';
import { runSafList, runSafShow } from './list.js';

const DIR_HELP = 'the store-and-forward directory; also ISOTRACE_SAF_DIR (default: ./var/saf)';
const STORE_HELP = "the PostgreSQL store's queue instead (postgres://...); also ISOTRACE_DATABASE_URL";

/** Registers `isotrace saf` and its sub-commands on `program`. */
export function registerSaf(program: Command, io: Io, setExit: (code: number) => void): void {
  const saf = program.command('saf').description('the store-and-forward queue of reversal advices owed to issuers: list, show, retry, purge');
  saf
    .command('list')
    .description('the advices owed, oldest first, as a table (PANs masked); works while the switch runs')
    .option('--saf-dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--issuer <name>', 'only those owed to this issuer')
    .option('--json', 'print the entries as one JSON array')
    .addHelpText('after', '\nExample:\n  isotrace saf list --issuer acme')
    .action(async (opts) => setExit(await runSafList(opts, io, process.env)));
  saf
    .command('show')
    .description('one advice in full: its state, attempts, times, trace and fields (masked)')
    .argument('<id>', 'the entry id, as saf list shows it')
    .option('--saf-dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print the entry as JSON')
    .addHelpText('after', '\nExample:\n  isotrace saf show 17')
    .action(async (id: string, opts) => setExit(await runSafShow(id, opts, io, process.env)));
  saf
    .command('retry')
    .description('clear the backoff of an advice (or all): due at once when the switch next starts; refused while a switch runs on the directory (with --store: at once, while switches run)')
    .argument('[id]', 'the entry id, as saf list shows it')
    .option('--all', 'every advice owed (of --issuer, when given)')
    .option('--issuer <name>', 'with --all: only those owed to this issuer')
    .option('--saf-dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print the entries retried as a JSON array')
    .addHelpText('after', '\nExamples:\n  isotrace saf retry 17\n  isotrace saf retry --all --issuer acme')
    .action(async (id: string | undefined, opts) => setExit(await runSafRetry(id, opts, io, process.env)));
  saf
    .command('purge')
    .description('drop an advice (or all) unsent, listing what went: the issuer never gets it; needs --yes; refused while a switch runs on the directory (with --store: safe while switches run)')
    .argument('[id]', 'the entry id, as saf list shows it')
    .option('--all', 'every advice owed (of --issuer, when given)')
    .option('--issuer <name>', 'with --all: only those owed to this issuer')
    .option('--yes', 'confirm: the advices purged are never delivered')
    .option('--saf-dir <dir>', DIR_HELP)
    .option('--store <url>', STORE_HELP)
    .option('--json', 'print the entries purged as a JSON array')
    .addHelpText('after', '\nExamples:\n  isotrace saf purge 17 --yes\n  isotrace saf purge --all --issuer retired-bank --yes')
    .action(async (id: string | undefined, opts) => setExit(await runSafPurge(id, opts, io, process.env)));
}
