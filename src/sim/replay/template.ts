// ${...} placeholders in scenario values: captured values of earlier answers, a fresh STAN per
// step (${stan}) and the time now (${now:MMDDhhmmss}). Pure: the clock and STANs are passed in.

/** Names that are generators, not captures: `stan` and `now:FORMAT`. */
export const GENERATOR_RE = /^(?:stan|now:[YMDhms]+)$/;

const PLACEHOLDER_RE = /\$\{([^}]+)\}/g;

/** The placeholder names in `value`, in order. */
export function placeholders(value: string): string[] {
  return [...value.matchAll(PLACEHOLDER_RE)].map((m) => m[1]);
}

/** Values one step's placeholders draw on. */
export interface TemplateContext {
  /** Values captured so far, by name. */
  captures: ReadonlyMap<string, string>;
  /** This step's STAN (the same for every ${stan} of the step). */
  stan: string;
  now: Date;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `now` in UTC under `format`: YYYY, YY, MM, DD, hh, mm, ss (DE 7 is MMDDhhmmss). */
export function formatTime(now: Date, format: string): string {
  const parts: Record<string, string> = {
    YYYY: pad(now.getUTCFullYear(), 4),
    YY: pad(now.getUTCFullYear() % 100),
    MM: pad(now.getUTCMonth() + 1),
    DD: pad(now.getUTCDate()),
    hh: pad(now.getUTCHours()),
    mm: pad(now.getUTCMinutes()),
    ss: pad(now.getUTCSeconds()),
  };
  return format.replace(/YYYY|YY|MM|DD|hh|mm|ss/g, (t) => parts[t]);
}

/**
 * `value` with every placeholder replaced. Scenario validation guarantees that each names a
 * generator or an earlier capture; a capture that an answer lacked inserts ''.
 */
export function fillTemplate(value: string, ctx: TemplateContext): string {
  return value.replace(PLACEHOLDER_RE, (_, name: string) => {
    if (name === 'stan') return ctx.stan;
    if (name.startsWith('now:')) return formatTime(ctx.now, name.slice(4));
    return ctx.captures.get(name) ?? '';
  });
}

/** Every value of `fields` filled in. */
export function fillFields(fields: Readonly<Record<string, string>>, ctx: TemplateContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [de, v] of Object.entries(fields)) out[de] = fillTemplate(v, ctx);
  return out;
}
