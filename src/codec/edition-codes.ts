// DE 39 across the editions: an ISO 8583:1987 response code (an 2) as a 1993 action code (n 3),
// and back. Data and two lookups; no I/O.

/** 1987 response code -> 1993 action code. */
const FROM_1987: Readonly<Record<string, string>> = {
  '00': '000',
  '05': '100',
  '12': '902',
  '13': '110',
  '14': '111',
  '15': '908',
  '25': '914',
  '30': '904',
  '41': '208',
  '43': '209',
  '51': '116',
  '54': '101',
  '55': '117',
  '57': '119',
  '58': '120',
  '61': '121',
  '62': '104',
  '65': '123',
  '91': '907',
  '94': '913',
  '96': '909',
};

/** Generic decline for an issuer code not in the table: 'do not honour'. */
const DO_NOT_HONOUR = '100';

/**
 * The action code for an issuer's answer: a 1987 response code mapped by the table above, a
 * 3-digit code (a backend that already speaks 1993) as is, anything else 100 (do not honour).
 */
export function actionCodeOf(issuerCode: string): string {
  if (issuerCode.length === 3) return issuerCode;
  return (issuerCode.length === 2 ? FROM_1987[issuerCode] : undefined) ?? DO_NOT_HONOUR;
}

/** The mapping as [1987 code, action code] rows, for docs and tests. */
export const ISSUER_TO_ACTION_CODE: ReadonlyArray<readonly [string, string]> = Object.entries(FROM_1987);

/**
 * Action code -> 1987 code: the table read backwards (each action code in it comes from one 1987
 * code), and the action codes it lacks that have a 1987 counterpart; the rest by their first digit.
 */
const TO_1987: Readonly<Record<string, string>> = {
  ...Object.fromEntries(ISSUER_TO_ACTION_CODE.map(([rc, ac]) => [ac, rc])),
  '106': '75', // allowable PIN tries exceeded
  '107': '01', // refer to card issuer
  '109': '03', // invalid merchant
  '910': '91', // card issuer signed off
  '911': '91', // card issuer timed out
  '912': '91', // card issuer unavailable
};

/** By first digit: 0xx approved, 4xx reversal accepted, 8xx network accepted, 9xx malfunction; else decline. */
const BY_CLASS: Readonly<Record<string, string>> = { '0': '00', '4': '00', '8': '00', '9': '96' };

/**
 * The 1987 response code for a 1993 action code: the table, else by the code's class (approved
 * 0xx, 4xx and 8xx as 00, other 9xx as 96, anything else 05 do not honour). A 2-character code (a
 * peer that speaks 1987 already) is returned as is.
 */
export function responseCodeOf(actionCode: string): string {
  if (actionCode.length === 2) return actionCode;
  return TO_1987[actionCode] ?? (actionCode.length === 3 ? BY_CLASS[actionCode[0]] : undefined) ?? '05';
}
