// Sealing: the sensitive fields of one entry as AES-256-GCM ciphertext, bound to the entry's id and
// issuer (the additional data), so a sealed value cannot be moved to another entry unnoticed.
// Text form: `<iv>.<ciphertext>.<tag>`, each base64url. No I/O.

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SafError } from './errors.js';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

function additionalData(id: number, issuer: string): Buffer {
  return Buffer.from(`saf1|${id}|${issuer}`, 'utf8');
}

/** `values` (DE -> text) sealed under `key` for entry `id` of `issuer`. */
export function sealFields(key: Buffer, id: number, issuer: string, values: Record<number, string>): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(additionalData(id, issuer));
  const body = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
  return `${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

/**
 * The fields sealed in `text` for entry `id` of `issuer`.
 * @throws SafError SAF_KEY_INVALID when `key` does not open them (another key, or an edited line),
 *   SAF_BAD_LOG when `text` is not a sealed value.
 */
export function unsealFields(key: Buffer, id: number, issuer: string, text: string): Record<number, string> {
  const parts = text.split('.');
  if (parts.length !== 3) throw new SafError('SAF_BAD_LOG', `entry ${id}: its sealed fields are not <iv>.<data>.<tag>`);
  let plain: string;
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(parts[0], 'base64url'));
    decipher.setAAD(additionalData(id, issuer));
    decipher.setAuthTag(Buffer.from(parts[2], 'base64url'));
    plain = Buffer.concat([decipher.update(Buffer.from(parts[1], 'base64url')), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new SafError('SAF_KEY_INVALID', `entry ${id}: saf.key does not open its sealed fields (another key, or the line was edited)`, { cause: err });
  }
  return JSON.parse(plain) as Record<number, string>;
}
