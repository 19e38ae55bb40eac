// A scriptable issuer for client tests: a FrameServer that decodes each request with the codec
// and answers (or holds) it as the test decides.

import { builtinCodec, IsoMessage, responseMti, type Codec } from '../../../src/codec/index.js';
import type { ConnectionContext, ServerOptions } from '../../../src/transport/index.js';
import { startServer } from '../../transport/helpers/servers.js';
import type { Cleanup } from '../../transport/helpers/sockets.js';

export const CODEC = builtinCodec('iso87ascii');

/** The usual answer: response MTI, DE 11 and 41 echoed, DE 39 = `rc`. */
export function answerOf(req: IsoMessage, rc = '00'): IsoMessage {
  const res = new IsoMessage(responseMti(req.mti));
  for (const de of [7, 11, 24, 41, 70]) {
    const v = req.get(de);
    if (v !== undefined) res.set(de, v);
  }
  return res.set(39, rc);
}

/** An authorization request with the default key fields. */
export function auth(stan: string, tid = 'TERM0001'): IsoMessage {
  return new IsoMessage('0100').set(3, '000000').set(4, '000000001000').set(11, stan).set(41, tid);
}

export type Reply = IsoMessage | Buffer | null | Promise<IsoMessage | Buffer | null>;

export interface Issuer {
  port: number;
  /** Requests received, decoded (detached). */
  received: IsoMessage[];
  /** Contexts of the connections that sent them, in order. */
  contexts: ConnectionContext[];
  close(): Promise<unknown>;
}

/** Starts an issuer whose `decide` turns each request into an answer, speaking `codec`. */
export async function startIssuer(cleanup: Cleanup, decide: (req: IsoMessage) => Reply = (req) => answerOf(req), options: ServerOptions = {}, codec: Codec = CODEC): Promise<Issuer> {
  const received: IsoMessage[] = [];
  const contexts: ConnectionContext[] = [];
  const { server, port } = await startServer(cleanup, (frame, ctx) => {
    const req = codec.unpack(frame).detach();
    received.push(req);
    contexts.push(ctx);
    const r = decide(req);
    const pack = (m: IsoMessage | Buffer | null): Buffer | null => (m === null ? null : Buffer.isBuffer(m) ? m : codec.pack(m));
    return r instanceof Promise ? r.then(pack) : pack(r);
  }, options);
  return { port, received, contexts, close: () => server.close() };
}
