/**
 * The one cap on what Huiying logs: no entry longer than LOG_LINE_MAX_BYTES (UTF-8), whoever writes it — the API's
 * error log (api/errors.ts, config/redaction.ts) and the worker's Temporal SDK logger (worker/runtime-logger.ts). A log line that could
 * hold a history, a payload or a task token would be a leak and a flood; those are abbreviated before this cap, and
 * the cap catches whatever is left.
 */

/** 8 KiB: room for a message, a dozen stack frames and the identifying metadata, never for a history. */
export const LOG_LINE_MAX_BYTES = 8 * 1024;

/**
 * `text` if it fits in `maxBytes` of UTF-8; otherwise its start, cut on a character boundary, and a marker saying how
 * long it was — the whole result within `maxBytes`.
 */
export function capLogLine(text: string, maxBytes: number = LOG_LINE_MAX_BYTES): string {
  const total = Buffer.byteLength(text, 'utf8');
  if (total <= maxBytes) return text;
  const marker = ` … [truncated: ${total} bytes]`;
  const room = Math.max(0, maxBytes - Buffer.byteLength(marker, 'utf8'));
  // Decoding a cut in the middle of a character would end in U+FFFD (3 bytes): back up to the character's start.
  // Never more than maxBytes characters are needed (each is at least one byte): a 50 MB string is not copied whole.
  const bytes = Buffer.from(text.slice(0, maxBytes), 'utf8');
  let end = room;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8') + marker;
}
