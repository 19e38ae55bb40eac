// The card data the leak tests look for in logs, spans, audit and queue files: clear PANs, track 2
// values (and their part after the separator) and PIN blocks, each as is and as hex in either
// case. Masked PANs (first 6, last 4) are not leaks. Test-only.

/** Every form a value could take in text: as is, and hex in either case. */
export function forms(values: Iterable<string>): string[] {
  return [...values].flatMap((v) => [v, v.toUpperCase(), v.toLowerCase()]);
}

export class CardSecrets {
  readonly pans = new Set<string>();
  readonly tracks = new Set<string>();
  readonly pinBlocks = new Set<string>();

  /** The clear values of `text` that must never be there. */
  leaksIn(text: string): string[] {
    const needles = [
      ...forms(this.pans),
      ...forms(this.tracks),
      ...[...this.tracks].map((t) => t.slice(t.indexOf('=') + 1)),
      ...forms(this.pinBlocks),
    ];
    return [...new Set(needles.filter((n) => text.includes(n)))];
  }
}
