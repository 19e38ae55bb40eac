// Plain-text tables for the commands that list things (audit list, saf list): fixed-width columns,
// two spaces apart, a missing value shown as `-`.

export type Align = 'left' | 'right';

/** A column's title, width in characters and alignment. */
export interface ColumnShape {
  readonly title: string;
  readonly width: number;
  readonly align: Align;
}

/** One row: each value padded to its column (longer values are not cut); trailing spaces trimmed. */
export function alignedRow(columns: readonly ColumnShape[], values: ReadonlyArray<string | null | undefined>): string {
  return columns
    .map((c, i) => {
      const text = values[i] ?? '-';
      return c.align === 'right' ? text.padStart(c.width) : text.padEnd(c.width);
    })
    .join('  ')
    .trimEnd();
}

/** The column titles as a row. */
export function headerRow(columns: readonly ColumnShape[]): string {
  return alignedRow(columns, columns.map((c) => c.title));
}
