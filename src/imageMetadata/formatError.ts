/** A file that is not a sound image of its format, or that cannot take our metadata; the message says why (English, for the log). */
export class MetadataFormatError extends Error {
  override readonly name = 'MetadataFormatError';
}
