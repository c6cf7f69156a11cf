import { BytesError } from './errors.ts';
import { decodeUtf8 } from './utf8.ts';

/**
 * Offset-based, bounds-checked reader over a byte array. Every read checks the remaining
 * length first, so a length field read from the input can never make it allocate more than
 * the input holds. Running out of bytes throws `truncated`; a bad integer throws `bad-integer`.
 */
export class ByteReader {
  readonly bytes: Uint8Array;
  /** Offset of the next byte to read. */
  offset: number;
  /** One past the last readable byte. */
  readonly end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError('ByteReader: bad range');
    this.bytes = bytes;
    this.offset = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  atEnd(): boolean {
    return this.offset >= this.end;
  }

  /** The next byte without consuming it. */
  peekU8(): number {
    if (this.offset >= this.end) throw this.truncated(1);
    return this.bytes[this.offset] as number;
  }

  u8(): number {
    if (this.offset >= this.end) throw this.truncated(1);
    return this.bytes[this.offset++] as number;
  }

  u16be(): number {
    if (this.end - this.offset < 2) throw this.truncated(2);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 2;
    return ((b[o] as number) << 8) | (b[o + 1] as number);
  }

  u32be(): number {
    if (this.end - this.offset < 4) throw this.truncated(4);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 4;
    return (
      (b[o] as number) * 0x1000000 +
      (((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number))
    );
  }

  /**
   * A WBXML mb_u_int32 (same encoding as the WSP uintvar): 7-bit groups, big-endian, bit 0x80
   * on every byte but the last, at most 5 bytes, value at most 2^32-1.
   */
  mbUint32(): number {
    const start = this.offset;
    let value = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw this.truncated(1);
      const byte = this.bytes[this.offset++] as number;
      value = value * 128 + (byte & 0x7f);
      if ((byte & 0x80) === 0) {
        if (value > 0xffffffff) {
          throw new BytesError('bad-integer', `mb_u_int32 at offset ${start} exceeds 32 bits`, start);
        }
        return value;
      }
    }
    throw new BytesError('bad-integer', `mb_u_int32 at offset ${start} is longer than 5 bytes`, start);
  }

  /** A view (not a copy) of the next `length` bytes. */
  bytesView(length: number): Uint8Array {
    if (length < 0 || this.end - this.offset < length) throw this.truncated(length);
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  /** A copy of the next `length` bytes. */
  bytesCopy(length: number): Uint8Array {
    return this.bytesView(length).slice();
  }

  skip(length: number): void {
    if (length < 0 || this.end - this.offset < length) throw this.truncated(length);
    this.offset += length;
  }

  /**
   * Bytes up to (not including) the next NUL, which is consumed. Throws `truncated` if there
   * is no NUL before the end.
   */
  nulTerminated(): Uint8Array {
    const b = this.bytes;
    const start = this.offset;
    let i = start;
    const end = this.end;
    while (i < end && b[i] !== 0) i++;
    if (i >= end) {
      this.offset = end;
      throw new BytesError('truncated', `no NUL terminator after offset ${start}`, end);
    }
    this.offset = i + 1;
    return b.subarray(start, i);
  }

  /** A NUL-terminated UTF-8 string (invalid UTF-8 throws `bad-utf8`). */
  cString(): string {
    const start = this.offset;
    const bytes = this.nulTerminated();
    return decodeUtf8(bytes, 0, bytes.length, start);
  }

  private truncated(wanted: number): BytesError {
    return new BytesError(
      'truncated',
      `input ends at offset ${this.end} while ${wanted} more byte(s) were expected at offset ${this.offset}`,
      this.end,
    );
  }
}
