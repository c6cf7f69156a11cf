/**
 * A classic hex dump (decision 0140): 8-digit hex offset, 16 bytes per line in two groups
 * of eight, then the bytes as ASCII with `.` for anything outside 0x20..0x7e. Same layout as
 * `hexdump -C`, so testers can diff it against captures made with common tools.
 */
import { hexByte, parseBase64 } from '../../../core/bytes/index.ts';

const BYTES_PER_LINE = 16;

function ascii(b: number): string {
  return b >= 0x20 && b <= 0x7e ? String.fromCharCode(b) : '.';
}

/** One line per 16 bytes, lines joined by `\n`; `maxBytes` stops early (the caller says so). */
export function hexDump(bytes: Uint8Array, maxBytes = bytes.length): string {
  const end = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let start = 0; start < end; start += BYTES_PER_LINE) {
    const stop = Math.min(start + BYTES_PER_LINE, end);
    let hex = '';
    let text = '';
    for (let i = start; i < start + BYTES_PER_LINE; i++) {
      // Pad a short last line so the ASCII column stays aligned.
      hex += i < stop ? `${hexByte(bytes[i] as number)} ` : '   ';
      if (i === start + 7) hex += ' ';
      if (i < stop) text += ascii(bytes[i] as number);
    }
    lines.push(`${start.toString(16).padStart(8, '0')}  ${hex} |${text}|`);
  }
  return lines.join('\n');
}

/** The exact bytes of a trace message (stored as base64). */
export function bytesOf(bodyBase64: string): Uint8Array {
  return parseBase64(bodyBase64, { allowWhitespace: true });
}
