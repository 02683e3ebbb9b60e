/**
 * How an offset in a document moves when text is replaced, for following a range (a job's origin selection, the
 * end of an inserted reference) through the user's edits. Pure: unit-tested in plain Node.
 */

/** One replacement: `[start, end)` of the text before it became `length` characters. */
export interface OffsetEdit {
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

/** Where the start of a range goes: text typed right before it stays outside it; a replacement of its start joins it. */
export function mapStart(offset: number, edit: OffsetEdit): number {
  if (offset < edit.start) return offset;
  if (offset > edit.end) return offset + edit.length - (edit.end - edit.start);
  if (edit.start === edit.end) return offset + edit.length;
  if (offset === edit.end) return edit.start + edit.length;
  return edit.start;
}

/** Where the end of a range goes: text typed right after it stays outside it; a replacement of its end joins it. */
export function mapEnd(offset: number, edit: OffsetEdit): number {
  if (offset <= edit.start) return offset;
  if (offset > edit.end) return offset + edit.length - (edit.end - edit.start);
  return edit.start + edit.length;
}
