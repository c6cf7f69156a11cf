/**
 * Large objects (shared/spec/oma-dm.md §10, [PRO 22]).
 *
 * Incoming: an Add / Replace Item with `<MoreData/>` starts or continues an object. Each
 * non-final chunk is answered 213; `Meta/Size` (the total, in the representation's units:
 * UTF-8 bytes of text, or bytes of OPAQUE data) comes in the first chunk only. On the last
 * chunk the data is reassembled and its size checked: a mismatch is 424 and nothing is
 * committed. A new command before the last chunk drops the object and the handset sends
 * Alert 1225 with the original Target / Source.
 *
 * Outgoing: `splitText` cuts a value into chunks of at most N UTF-8 bytes without breaking a
 * character; the session puts Meta/Size in the first chunk and `<MoreData/>` on all but the
 * last.
 */
import { concatBytes, encodeUtf8, utf8Length } from '../bytes/index.ts';
import type { Add, DataValue, Item, Replace } from '../syncml/message.ts';
import { dataText } from '../syncml/message.ts';

export type ChunkedCommand = Add | Replace;

/** An object being received. */
export class IncomingObject {
  private readonly parts: DataValue[] = [];
  private received = 0;

  constructor(
    /** The command of the first chunk (its Meta, kind and CmdID). */
    readonly first: ChunkedCommand,
    /** The first chunk's Item (Target / Source / Meta). */
    readonly item: Item,
    /** MsgID of the message with the first chunk. */
    readonly msgId: string,
    /** Meta/Size of the first chunk, if any. */
    readonly declaredSize: number | undefined,
  ) {}

  static sizeOf(data: DataValue | undefined): number {
    if (data === undefined) return 0;
    if (data instanceof Uint8Array) return data.length;
    if (typeof data === 'string') return utf8Length(data);
    return 0;
  }

  get target(): string | undefined {
    return this.item.Target?.LocURI;
  }

  get receivedSize(): number {
    return this.received;
  }

  /** True when `cmd` / `item` continue this object (same command kind and target). */
  continues(cmd: ChunkedCommand, item: Item | undefined): boolean {
    return cmd.kind === this.first.kind && item !== undefined && item.Target?.LocURI === this.target;
  }

  append(data: DataValue | undefined): void {
    if (data === undefined) return;
    this.parts.push(data);
    this.received += IncomingObject.sizeOf(data);
  }

  /** The reassembled data: text when every chunk was text, bytes otherwise. */
  data(): DataValue {
    if (this.parts.every((p) => typeof p === 'string')) return (this.parts as string[]).join('');
    return concatBytes(...this.parts.map((p) => (p instanceof Uint8Array ? p : encodeUtf8(dataText(p)))));
  }

  /** The size check on the last chunk: undefined when fine, else the reason for 424. */
  sizeProblem(): string | undefined {
    if (this.declaredSize === undefined) return undefined;
    return this.declaredSize === this.received
      ? undefined
      : `Meta/Size said ${this.declaredSize} but ${this.received} arrived`;
  }

  /** A single-Item command carrying the whole object, to run like any other. */
  assembled(): ChunkedCommand {
    const item: Item = { ...this.item, Data: this.data() };
    delete item.MoreData;
    if (item.Meta) {
      const { Size: _size, ...rest } = item.Meta;
      item.Meta = rest;
    }
    return { ...this.first, Items: [item] };
  }
}

/**
 * Cuts `text` into pieces of at most `maxBytes` UTF-8 bytes each (at least one character
 * per piece, so a piece can exceed `maxBytes` only when one character does).
 */
export function splitText(text: string, maxBytes: number): string[] {
  const limit = Math.max(1, Math.floor(maxBytes));
  const out: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (size + n > limit && current !== '') {
      out.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current !== '' || out.length === 0) out.push(current);
  return out;
}

/** The first `maxBytes` UTF-8 bytes of `text` (whole characters) and the rest. */
export function takeText(text: string, maxBytes: number): [string, string] {
  let size = 0;
  let i = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (size + n > maxBytes && i > 0) break;
    size += n;
    i += ch.length;
  }
  return [text.slice(0, i), text.slice(i)];
}
