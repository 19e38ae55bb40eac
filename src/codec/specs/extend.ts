// Spec files: a JSON object that may `extend` another spec and override or remove (null) fields.
// Pure: the caller reads files and resolves the base by name. Throws only SpecError.

import { SpecError } from '../errors.js';
import { validateField, validateSpec, type FieldSpec, type MessageSpec, type SpecFile } from '../spec.js';

const SPEC_KEYS = new Set(['name', 'description', 'extends', 'version', 'mti', 'bitmap', 'header', 'fields']);

/**
 * Builds a MessageSpec from the parsed contents of a spec file. `where` names the file in errors;
 * `base` returns the spec named by `extends`. A field override merges into the base field, so
 * `{"35": {"padNibble": "F"}}` changes only the pad; `null` removes the field.
 * @throws SpecError naming the file, the field and the problem.
 */
export function specFromFile(json: unknown, where: string, base: (name: string) => MessageSpec): MessageSpec {
  const fail = (detail: string): never => {
    throw new SpecError('SPEC_INVALID', where, detail);
  };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('a spec file holds one JSON object');
  const file = json as SpecFile;
  for (const key of Object.keys(file)) {
    if (!SPEC_KEYS.has(key)) fail(`unknown key "${key}" (allowed: ${[...SPEC_KEYS].join(', ')})`);
  }
  if (file.extends !== undefined && typeof file.extends !== 'string') fail('"extends" must name a spec');
  const parent = file.extends === undefined ? undefined : base(file.extends);
  if (parent === undefined && (file.mti === undefined || file.bitmap === undefined)) fail('a spec that extends nothing needs "mti" and "bitmap"');
  if (file.fields !== undefined && (file.fields === null || typeof file.fields !== 'object' || Array.isArray(file.fields))) fail('"fields" must be an object keyed by field number');

  const fields: Record<number, FieldSpec> = { ...(parent?.fields ?? {}) };
  for (const [key, override] of Object.entries(file.fields ?? {})) {
    const de = Number(key);
    if (!/^\d+$/.test(key)) fail(`field "${key}": keys are field numbers`);
    if (override === null) {
      delete fields[de];
      continue;
    }
    if (typeof override !== 'object' || Array.isArray(override)) fail(`field ${key}: definition must be an object or null`);
    const merged = { ...(fields[de] ?? {}), ...override } as FieldSpec;
    validateField(`${where} field ${key}`, merged);
    fields[de] = merged;
  }
  const spec: MessageSpec = {
    name: file.name ?? (parent ? `${parent.name}+${where}` : where),
    description: file.description ?? parent?.description ?? '',
    mti: file.mti ?? (parent as MessageSpec).mti,
    bitmap: file.bitmap ?? (parent as MessageSpec).bitmap,
    fields,
  };
  const header = file.header ?? parent?.header;
  if (header !== undefined) spec.header = header;
  const version = file.version ?? parent?.version;
  if (version !== undefined) spec.version = version;
  try {
    validateSpec(spec);
  } catch (err) {
    if (err instanceof SpecError) throw new SpecError('SPEC_INVALID', where, err.message, { cause: err });
    throw err;
  }
  return spec;
}
