/**
 * Texts that are new in every request (random ids, timestamps): scanning them is necessary,
 * remembering the result is not. Caches that key on text skip them, so a stream of fresh UUIDs
 * does not flush the keys and enum values that do repeat.
 */
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TIMESTAMP_SHAPE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

export function isVolatileText(text: string): boolean {
  if (text.length === 36 && text.charCodeAt(8) === 45 && UUID_SHAPE.test(text)) return true;
  return text.length >= 16 && text.length <= 40 && TIMESTAMP_SHAPE.test(text);
}
