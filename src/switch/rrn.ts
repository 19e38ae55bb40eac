// Retrieval reference numbers (DE 37, an12) the switch assigns when a request carries none:
// YDDDhh (last digit of the year, Julian day, hour, UTC) + a 6-digit sequence, unique per switch.

const HOUR_MS = 3_600_000;
const SEQUENCE_SIZE = 1_000_000;

/** "YDDDhh" for the hour starting at `hourMs`. */
function hourPrefix(hourMs: number): string {
  const at = new Date(hourMs);
  const year = at.getUTCFullYear();
  const dayOfYear = Math.floor((Date.UTC(year, at.getUTCMonth(), at.getUTCDate()) - Date.UTC(year, 0, 0)) / 86_400_000);
  return `${year % 10}${String(dayOfYear).padStart(3, '0')}${String(at.getUTCHours()).padStart(2, '0')}`;
}

/**
 * Assigns RRNs: the hour's prefix, then a sequence that counts up by one per RRN and never falls
 * behind the clock's place in the hour (0 at hh:00, 999999 at hh:59:59.996: one step per 3.6 ms),
 * starting again from the clock when the hour changes. Nothing is persisted: a switch restarted
 * within the hour starts where the clock stands, past every RRN its predecessor assigned, unless
 * that one ran ahead of the clock (more than one RRN per 3.6 ms for a while) right before it stopped.
 * More than 1,000,000 RRNs in an hour wrap the sequence, and then repeat. A clock set back keeps
 * the current hour's prefix and counts on.
 */
export class RrnSequence {
  #hourStartMs = -1;
  #prefix = '';
  #next = 0;

  /** HOT: the next RRN for a request received at `atUs` (microseconds since the epoch); the prefix is made once an hour. */
  next(atUs: number): string {
    const ms = Math.floor(atUs / 1000);
    const intoHourMs = ms % HOUR_MS;
    const hourMs = ms - intoHourMs;
    if (hourMs > this.#hourStartMs) {
      this.#hourStartMs = hourMs;
      this.#prefix = hourPrefix(hourMs);
      this.#next = 0;
    }
    // The clock's place in the hour: intoHourMs / 3.6, in integers.
    const clock = hourMs === this.#hourStartMs ? Math.floor((intoHourMs * 5) / 18) : 0;
    const seq = this.#next > clock ? this.#next : clock;
    this.#next = seq + 1;
    return this.#prefix + String(SEQUENCE_SIZE + (seq % SEQUENCE_SIZE)).slice(1);
  }
}

/** The RRNs of this switch process: one sequence, shared by every Switch in it. */
export const SWITCH_RRNS = new RrnSequence();
