/**
 * Payloads, URLs, header names, methods and file names are untrusted: every text sink (the
 * reports, the TUI, stderr) shows their control characters as escapes, so a capture cannot
 * clear the screen, write the clipboard (OSC 52), move the cursor or fake a report line.
 */

// C0 controls (newline and tab too: one field is one line), DEL, C1 controls (0x9b is a CSI
// on many terminals), line and paragraph separators, and the bidirectional overrides that
// make text display in another order than it reads.
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControlChar(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The text with every control character written as a `\uXXXX` escape. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL_CHARS, escapeControlChar);
}

/** As escapeControls, but the line breaks of a multi-line message (an error list) are kept. */
export function escapeControlsKeepLines(text: string): string {
  return text.split('\n').map(escapeControls).join('\n');
}
