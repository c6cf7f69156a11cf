import { encodeUtf8Into, utf8Length } from './utf8.ts';

/** A growable byte buffer (capacity doubles), for encoders. */
export class ByteWriter {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(value: number): void {
    if (this.pos >= this.buf.length) this.ensure(1);
    this.buf[this.pos++] = value & 0xff;
  }

  u16be(value: number): void {
    this.ensure(2);
    this.buf[this.pos++] = (value >>> 8) & 0xff;
    this.buf[this.pos++] = value & 0xff;
  }

  u32be(value: number): void {
    this.ensure(4);
    this.buf[this.pos++] = (value >>> 24) & 0xff;
    this.buf[this.pos++] = (value >>> 16) & 0xff;
    this.buf[this.pos++] = (value >>> 8) & 0xff;
    this.buf[this.pos++] = value & 0xff;
  }

  /** WBXML mb_u_int32 / WSP uintvar. */
  mbUint32(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
      throw new RangeError(`mb_u_int32 out of range: ${value}`);
    }
    if (value < 0x80) {
      this.u8(value);
      return;
    }
    let groups = 1;
    let v = Math.floor(value / 128);
    while (v > 0) {
      groups++;
      v = Math.floor(v / 128);
    }
    this.ensure(groups);
    let rest = value;
    for (let i = groups - 1; i >= 0; i--) {
      const byte = rest % 128;
      rest = Math.floor(rest / 128);
      this.buf[this.pos + i] = i === groups - 1 ? byte : byte | 0x80;
    }
    this.pos += groups;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** UTF-8 bytes of `text` (no terminator). */
  utf8(text: string): void {
    // Worst case 3 bytes per UTF-16 unit; avoid the exact count for short strings.
    if (text.length < 1024) this.ensure(text.length * 3);
    else this.ensure(utf8Length(text));
    this.pos = encodeUtf8Into(text, this.buf, this.pos);
  }

  /** The bytes written so far (a copy, exactly sized). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
