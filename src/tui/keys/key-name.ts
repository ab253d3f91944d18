/** Ink's (input, key) pair as one key name, the vocabulary the key table is written in. */

export interface InkKey {
  upArrow: boolean;
  downArrow: boolean;
  leftArrow: boolean;
  rightArrow: boolean;
  pageDown: boolean;
  pageUp: boolean;
  home?: boolean;
  end?: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  shift: boolean;
  tab: boolean;
  backspace: boolean;
  delete: boolean;
  meta: boolean;
}

/**
 * Key names for one input event: special keys by name ("up", "tab", "shift-tab", "ctrl-c"),
 * printable input one name per character, since a held key or a paste arrives as one string.
 */
export function keyNames(input: string, key: InkKey): string[] {
  if (key.upArrow) return ['up'];
  if (key.downArrow) return ['down'];
  if (key.leftArrow) return ['left'];
  if (key.rightArrow) return ['right'];
  if (key.pageUp) return ['pageup'];
  if (key.pageDown) return ['pagedown'];
  if (key.home) return ['home'];
  if (key.end) return ['end'];
  if (key.tab) return [key.shift ? 'shift-tab' : 'tab'];
  if (key.return) return ['enter'];
  if (key.backspace || key.delete) return ['backspace'];
  if (key.ctrl && input.length === 1) return [`ctrl-${input.toLowerCase()}`];
  if (key.escape && input === '') return ['escape'];
  if (input === '') return [];
  return [...input].map((c) => (c === ' ' ? 'space' : c === '\r' || c === '\n' ? 'enter' : c));
}
