// `isotrace encode`: the JSON form of a message on stdin -> the packed message as uppercase hex.

import { EncodeError, fromJson, toHex } from '../../codec/index.js';
import { headerBytes, headerKind } from '../header.js';
import { EXIT, errorLine, type ExitCode, type Io } from '../io.js';
import { loadCodec } from '../spec-loader.js';

export interface EncodeOptions {
  spec: string;
  header?: string;
}

/** Runs encode; returns the exit code (0 ok, 1 invalid message, 2 bad usage). */
export async function runEncode(opts: EncodeOptions, io: Io): Promise<ExitCode> {
  try {
    const codec = loadCodec(opts.spec);
    const text = (await io.readStdin()).toString('utf8');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new EncodeError('CODEC_BAD_JSON', { field: 'message', offset: 0, detail: `stdin is not valid JSON (${(err as Error).message})` });
    }
    const msg = fromJson(codec, json);
    // Without --header, a "header" in the JSON travels in front of the message; with it, one must.
    const kind = opts.header === undefined && msg.header === null ? 'none' : headerKind(opts.header, codec.spec);
    const size = headerBytes(kind);
    if (size === 0 && msg.header !== null) {
      throw new EncodeError('CODEC_BAD_JSON', { field: 'header', offset: 0, detail: 'the JSON has a "header" but the spec takes none: give --header tpdu' });
    }
    if (size > 0 && (msg.header === null || msg.header.length !== size)) {
      throw new EncodeError('CODEC_BAD_JSON', { field: 'header', offset: 0, detail: `--header ${kind} needs "header" with ${size} bytes of hex` });
    }
    const packed = codec.pack(msg, size);
    if (size > 0) (msg.header as Buffer).copy(packed, 0);
    io.out(toHex(packed));
    return EXIT.OK;
  } catch (err) {
    io.err(errorLine(err));
    return err instanceof EncodeError ? EXIT.INVALID : EXIT.USAGE;
  }
}
