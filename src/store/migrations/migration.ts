// One versioned change of the store's schema: plain SQL, applied once, in one transaction.

export interface Migration {
  /** 1, 2, 3, ...: applied in this order; the database records each it has. */
  readonly version: number;
  /** A few words: shown in the schema table and the logs. */
  readonly name: string;
  /** The statements, in the `isotrace` schema (qualify every name: isotrace.x). */
  readonly sql: string;
}
