// Why JSON.parse refused a text, in words that never quote the text: V8 quotes up to about 20
// characters around an unexpected token, and what the person typed may hold card digits.

/** V8's quote of the text around an unexpected token, with the words that introduce it. */
const QUOTED_TEXT = /(?:, )?(?:\.\.\.)?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/;

/**
 * The reason of a JSON.parse `SyntaxError` without any of the parsed text: `Unexpected token '='`
 * for V8's `Unexpected token '=', ..."pan":=411111111"... is not valid JSON`; messages that give a
 * position (`... in JSON at position 24`) are kept whole.
 */
export function jsonSyntaxProblem(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(QUOTED_TEXT, '') || 'unexpected input';
}
