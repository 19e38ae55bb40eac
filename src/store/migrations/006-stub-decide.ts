// Migration 6: the stub's batch decision as one function, so that a batch is one statement (one
// round trip, its rows locked for the statement only) instead of a transaction of five round
// trips that held the accounts' rows locked across them. It applies stub-rules.ts's fundsDecline
// in the same order (the daily limit, then the balance), request after request; the
// equivalence is tested (spec/store/stub-ledger.spec.ts). Its commit is asynchronous, as every
// shared-state write (async-commit.ts).

import type { Migration } from './migration.js';

export const migration: Migration = {
  version: 6,
  name: 'stub batch decision',
  sql: `
    -- Holds are placed by stub_decide alone, on the accounts it has just locked, and accounts are
    -- never deleted: the foreign key's check per hold (a query of its own, about a tenth of the
    -- batch's cost in the database) guards nothing.
    ALTER TABLE isotrace.stub_holds DROP CONSTRAINT stub_holds_account_no_fkey;

    -- For request i (account p_accounts[i], p_amounts[i] minor units, the card's daily limit
    -- p_limits[i] or NULL), in order: '61' over the daily limit, '51' insufficient funds, or '00'
    -- with the serial of the hold placed. The accounts' rows are locked in account order, so two
    -- batches never deadlock; p_day is the UTC day number the daily spend counts by.
    CREATE FUNCTION isotrace.stub_decide(p_accounts integer[], p_amounts bigint[], p_limits bigint[], p_day integer, p_node text)
    RETURNS TABLE (response_code text, serial bigint) LANGUAGE plpgsql AS $fn$
    DECLARE
      n       integer := cardinality(p_accounts);
      ids     integer[];
      avail   bigint[];
      spent   bigint[];
      codes   text[] := array_fill(NULL::text, ARRAY[n]);
      serials bigint[] := array_fill(NULL::bigint, ARRAY[n]);
      k       integer;
    BEGIN
      PERFORM set_config('synchronous_commit', 'off', true);
      SELECT array_agg(a.account_no), array_agg(a.available_minor), array_agg(a.spent)
        INTO ids, avail, spent
        FROM (SELECT account_no, available_minor, CASE WHEN day = p_day THEN spent_today_minor ELSE 0 END AS spent
              FROM isotrace.stub_accounts WHERE account_no = ANY (p_accounts) ORDER BY account_no FOR UPDATE) a;
      FOR i IN 1 .. n LOOP
        k := array_position(ids, p_accounts[i]);
        IF p_limits[i] IS NOT NULL AND spent[k] + p_amounts[i] > p_limits[i] THEN
          codes[i] := '61';
        ELSIF p_amounts[i] > avail[k] THEN
          codes[i] := '51';
        ELSE
          codes[i] := '00';
          avail[k] := avail[k] - p_amounts[i];
          spent[k] := spent[k] + p_amounts[i];
          serials[i] := nextval('isotrace.stub_holds_serial_seq');
        END IF;
      END LOOP;
      IF '00' = ANY (codes) THEN
        UPDATE isotrace.stub_accounts s SET available_minor = u.available_minor, spent_today_minor = u.spent, day = p_day
          FROM unnest(ids, avail, spent) AS u(account_no, available_minor, spent) WHERE s.account_no = u.account_no;
        INSERT INTO isotrace.stub_holds (serial, account_no, amount_minor, day, node_id)
          SELECT h.serial, h.account_no, h.amount_minor, p_day, p_node
          FROM unnest(serials, p_accounts, p_amounts) AS h(serial, account_no, amount_minor) WHERE h.serial IS NOT NULL;
      END IF;
      RETURN QUERY SELECT * FROM unnest(codes, serials);
    END
    $fn$;
  `,
};
