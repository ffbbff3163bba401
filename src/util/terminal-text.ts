/**
 * Text from outside hitline (a supplier's CSV, a model's answer, a file name) made safe to print on a
 * terminal. A CSV cell can carry ESC sequences that clear the screen (ESC[2J), recolour it (ESC[31m),
 * retitle the window (ESC]0;…BEL) or write the clipboard (OSC 52), and bidirectional overrides that make a
 * line read differently from what it is (Trojan Source). Every such character is shown escaped and visible
 * instead: ESC as `\x1b`, BEL as `\x07`, U+202E as `\u202e`. The escape is printable, so applying it twice
 * changes nothing.
 *
 * Escaped: C0 controls (U+0000-U+001F), DEL (U+007F), C1 controls (U+0080-U+009F, where U+009B is an
 * 8-bit CSI), and the bidirectional embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069.
 */

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** The same set without line feed and tab, for text that is several lines on purpose. */
const UNSAFE_IN_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

function escaped(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line: every control character, line breaks and tabs included, shown escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, escaped);
}

/** Several lines: like terminalSafe, but line feeds and tabs are kept (a carriage return is still escaped). */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_IN_LINES, escaped);
}

/** Characters JSON.stringify leaves raw that a terminal would act on; they only ever occur inside JSON strings. */
const RAW_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify, with the characters it leaves raw (DEL, C1 controls, bidirectional overrides) written as
 * \uXXXX escapes: the same JSON value, byte for byte safe to show on a terminal.
 */
export function jsonText(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(RAW_IN_JSON, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
