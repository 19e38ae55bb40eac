// `isotrace decode`: hex (or a file) -> a masked dump of the message, or its JSON with --json.

import { readFileSync } from 'node:fs';
import { DecodeError, describe, toJson } from '../../codec/index.js';
import { headerBytes, headerKind } from '../header.js';
import { EXIT, UsageError, errorLine, parseHex, type ExitCode, type Io } from '../io.js';
import { loadCodec } from '../spec-loader.js';

export interface DecodeOptions {
  spec: string;
  hex?: string;
  file?: string;
  /** --file holds raw bytes, not hex text. */
  binary?: boolean;
  header?: string;
  json?: boolean;
  revealSensitive?: boolean;
}

async function inputBytes(opts: DecodeOptions, io: Io): Promise<Buffer> {
  if ((opts.hex === undefined) === (opts.file === undefined)) throw new UsageError('give exactly one of --hex HEX or --file F', 'CLI_BAD_USAGE');
  if (opts.hex !== undefined) return parseHex(opts.hex, '--hex');
  const file = opts.file as string;
  let raw: Buffer;
  try {
    raw = file === '-' ? await io.readStdin() : readFileSync(file);
  } catch (err) {
    throw new UsageError(`--file ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, 'CLI_FILE_ACCESS');
  }
  return opts.binary === true ? raw : parseHex(raw.toString('latin1'), `--file ${file}`);
}

/** Runs decode; returns the exit code (0 ok, 1 invalid message, 2 bad usage). */
export async function runDecode(opts: DecodeOptions, io: Io): Promise<ExitCode> {
  try {
    const codec = loadCodec(opts.spec);
    const bytes = await inputBytes(opts, io);
    const skip = headerBytes(headerKind(opts.header, codec.spec));
    if (bytes.length < skip) {
      throw new DecodeError('CODEC_TRUNCATED', { field: 'header', offset: 0, detail: `header needs ${skip} bytes but ${bytes.length} remain` });
    }
    const msg = codec.unpack(bytes, skip);
    if (skip > 0) msg.header = bytes.subarray(0, skip);
    const reveal = opts.revealSensitive === true;
    io.out(opts.json === true ? JSON.stringify(toJson(codec, msg, { reveal })) : describe(codec, msg, { reveal }));
    return EXIT.OK;
  } catch (err) {
    io.err(errorLine(err));
    return err instanceof DecodeError ? EXIT.INVALID : EXIT.USAGE;
  }
}
