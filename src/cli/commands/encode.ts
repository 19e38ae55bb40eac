// `isotrace encode`: the JSON form of a message on stdin -> the packed message as uppercase hex,
// behind the frame header `decode` would expect with the same --header (the spec's usual one by default).

import { EncodeError, fromJson, toHex } from '../../codec/index.js';
import { headerBytes, headerKind, writeHeader } from '../header.js';
import { EXIT, errorLine, type ExitCode, type Io } from '../io.js';
import { jsonSyntaxProblem } from '../json-syntax.js';
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
      throw new EncodeError('CODEC_BAD_JSON', { field: 'message', offset: 0, detail: `stdin is not valid JSON (${jsonSyntaxProblem(err)})` });
    }
    const msg = fromJson(codec, json);
    // --header decides, as on decode; without it a "header" in the JSON is a TPDU to write back,
    // and with none the spec's usual header goes out (iso87pos: a default TPDU).
    const kind = opts.header === undefined && msg.header !== null ? 'tpdu' : headerKind(opts.header, codec.spec);
    const size = headerBytes(kind);
    const given = size > 0 ? msg.header : null;
    if (given !== null && given.length !== size) {
      throw new EncodeError('CODEC_BAD_JSON', { field: 'header', offset: 0, detail: `a TPDU is ${size} bytes (${2 * size} hex digits), "header" has ${given.length}` });
    }
    const packed = codec.pack(msg, size);
    writeHeader(kind, given, packed);
    io.out(toHex(packed));
    return EXIT.OK;
  } catch (err) {
    io.err(errorLine(err));
    return err instanceof EncodeError ? EXIT.INVALID : EXIT.USAGE;
  }
}
