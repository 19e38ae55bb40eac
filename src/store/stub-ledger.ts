// PgStubIssuer: the issuer stub with its balances and holds in PostgreSQL (isotrace.stub_accounts,
// stub_holds), shared by every switch on the store. It decides as StubIssuer does (stub-rules.ts);
// an approval locks its account row, so that two nodes never lose each other's update; a reversal
// releases its hold in one statement, once, whichever node it reaches and however often.

import { maskPan, type IsoMessage } from '../codec/index.js';
import {
  StubCalendar, approvalOf, cardDecline, decline, fundsDecline, holdReleased, openingMinor, serialOf, stubDelay, type Card,
} from '../issuer/index.js';
import { ConfigError, type AuthorizationRequest, type IssuerBackend, type IssuerDecision, type ReversalRequest } from '../shared/index.js';
import type { Store } from './store.js';

/** Every card's account, numbered as the cards file lists them; a node starting later adds nothing. */
const SEED_SQL = `
  INSERT INTO isotrace.stub_accounts (account_no, pan_masked, currency, available_minor)
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::bigint[])
  ON CONFLICT (account_no) DO NOTHING`;

const LOCK_SQL = `
  SELECT available_minor, CASE WHEN day = $2 THEN spent_today_minor ELSE 0 END AS spent_minor
  FROM isotrace.stub_accounts WHERE account_no = $1 FOR UPDATE`;

/** Takes `amount` off the account (the day's spend starting over on a new day) and places its hold. */
const APPROVE_SQL = `
  WITH a AS (
    UPDATE isotrace.stub_accounts SET available_minor = available_minor - $2,
      spent_today_minor = CASE WHEN day = $3 THEN spent_today_minor + $2 ELSE $2 END, day = $3
    WHERE account_no = $1 RETURNING account_no)
  INSERT INTO isotrace.stub_holds (account_no, amount_minor, day, node_id) SELECT account_no, $2, $3, $4 FROM a
  RETURNING serial`;

/** Releases a hold not released yet and gives its amount back (to the day's spend too, on its day). */
const RELEASE_SQL = `
  WITH h AS (
    UPDATE isotrace.stub_holds SET released_at = now() WHERE serial = $1 AND released_at IS NULL
    RETURNING account_no, amount_minor, day)
  UPDATE isotrace.stub_accounts a SET available_minor = a.available_minor + h.amount_minor,
    spent_today_minor = CASE WHEN a.day = h.day THEN a.spent_today_minor - h.amount_minor ELSE a.spent_today_minor END
  FROM h WHERE a.account_no = h.account_no RETURNING a.account_no`;

const RELEASED_SQL = 'SELECT 1 FROM isotrace.stub_holds WHERE serial = $1 AND released_at IS NOT NULL';

interface Account {
  card: Card;
  accountNo: number;
  limitMinor: number | null;
}

export class PgStubIssuer implements IssuerBackend<IsoMessage> {
  readonly name = 'stub';
  readonly #store: Store;
  readonly #accounts = new Map<string, Account>();
  readonly #nowMs: () => number;
  readonly #calendar = new StubCalendar();

  private constructor(store: Store, cards: readonly Card[], nowMs: () => number) {
    this.#store = store;
    this.#nowMs = nowMs;
    cards.forEach((card, accountNo) => this.#accounts.set(card.pan, { card, accountNo, limitMinor: openingMinor(card).limitMinor }));
  }

  /**
   * The stub over `store`, its accounts seeded from `cards` unless there already (two nodes may
   * start together). `source` names the cards file in errors.
   * @throws ConfigError when the store's accounts were seeded from other cards; StoreError.
   */
  static async open(store: Store, cards: readonly Card[], source: string, nowMs: () => number = Date.now): Promise<PgStubIssuer> {
    const masked = cards.map((c) => maskPan(c.pan));
    await store.query('seeding the stub\'s accounts', SEED_SQL, [
      cards.map((_, i) => i), masked, cards.map((c) => c.currency), cards.map((c) => openingMinor(c).availableMinor),
    ]);
    const { rows } = await store.query<{ account_no: number; pan_masked: string }>('reading the stub\'s accounts', 'SELECT account_no, pan_masked FROM isotrace.stub_accounts ORDER BY account_no');
    const other = rows.find((r) => masked[r.account_no] !== r.pan_masked);
    if (other !== undefined || rows.length !== cards.length) {
      const where = other === undefined ? `it holds ${rows.length} accounts, the file ${cards.length} cards` : `account ${other.account_no} differs`;
      throw new ConfigError(source, `the store's stub accounts were seeded from another cards file (${where}): use the same cards file on every node`);
    }
    return new PgStubIssuer(store, cards, nowMs);
  }

  /** Available balance of a card in minor units (for tests and tools); undefined for an unknown card. */
  async availableMinor(pan: string): Promise<number | undefined> {
    const account = this.#accounts.get(pan);
    if (account === undefined) return undefined;
    const { rows } = await this.#store.query<{ available_minor: string }>('reading a stub balance', 'SELECT available_minor FROM isotrace.stub_accounts WHERE account_no = $1', [account.accountNo]);
    return rows.length === 0 ? undefined : Number(rows[0].available_minor);
  }

  /** @throws IssuerError ISSUER_TIMEOUT (a slow card); StoreError when the store cannot decide. */
  async authorize(req: AuthorizationRequest<IsoMessage>, timeoutMs: number): Promise<IssuerDecision> {
    const account = this.#accounts.get(req.pan);
    if (account !== undefined && account.card.delayMs > 0) await stubDelay(account.card.delayMs, timeoutMs);
    const day = this.#calendar.dayOf(this.#nowMs());
    const declined = cardDecline(req, account?.card, this.#calendar.thisMonth);
    if (declined !== null) return declined;
    const { accountNo, limitMinor } = account!;
    const amount = req.amountMinor;
    return this.#store.transaction('placing a stub hold', async (client) => {
      const { rows } = await client.query<{ available_minor: string; spent_minor: string }>(LOCK_SQL, [accountNo, day]);
      const short = fundsDecline(amount, Number(rows[0].spent_minor), limitMinor, Number(rows[0].available_minor));
      if (short !== null) return short;
      const placed = await client.query<{ serial: string }>(APPROVE_SQL, [accountNo, amount, day, this.#store.nodeId]);
      return approvalOf(Number(placed.rows[0].serial));
    });
  }

  /**
   * Releases the hold `req.holdId` names: 00 once released, here or before (a repeat, or the same
   * reversal on another node); 25 for a hold that never was. @throws StoreError.
   */
  async reverse(req: ReversalRequest<IsoMessage>): Promise<IssuerDecision> {
    const serial = serialOf(req.holdId, Number.MAX_SAFE_INTEGER);
    if (serial === 0) return decline('25', 'hold not found');
    const released = await this.#store.query('releasing a stub hold', RELEASE_SQL, [serial]);
    if (released.rowCount === 1) return holdReleased();
    const before = await this.#store.query('looking up a stub hold', RELEASED_SQL, [serial]);
    return before.rowCount === 1 ? holdReleased('hold already released') : decline('25', 'hold not found');
  }

  async close(): Promise<void> {}
}
