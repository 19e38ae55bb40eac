// The backend behind each issuer name of the routes file: the in-process stub for `stub` issuers,
// and for remote issuers, the one place their link is to be built.

import type { Codec, IsoMessage } from '../codec/index.js';
import type { IssuerDefinition, RemoteIssuerDefinition } from '../issuer/index.js';
import { IssuerError, type IssuerBackend } from '../shared/index.js';

/**
 * The backend of a remote issuer. Not wired yet: fails start-up with one line naming the issuer.
 * @throws IssuerError ISSUER_UNAVAILABLE.
 */
function remoteBackend(def: RemoteIssuerDefinition, _codec: Codec): IssuerBackend<IsoMessage> {
  throw new IssuerError('ISSUER_UNAVAILABLE', `issuer ${def.name}: remote issuers are not wired yet`);
}

/**
 * Each issuer's backend by name: `stub` for every stub issuer, a link for each remote one
 * (`codecs`: the remote issuers' codecs by name, as loadRoutesFile gives them).
 * @throws IssuerError ISSUER_UNAVAILABLE for a remote issuer (not wired yet).
 */
export function issuerBackends(
  issuers: ReadonlyMap<string, IssuerDefinition>, codecs: ReadonlyMap<string, Codec>, stub: IssuerBackend<IsoMessage>,
): Map<string, IssuerBackend<IsoMessage>> {
  const out = new Map<string, IssuerBackend<IsoMessage>>();
  for (const [name, def] of issuers) out.set(name, def.type === 'stub' ? stub : remoteBackend(def, codecs.get(name)!));
  return out;
}
