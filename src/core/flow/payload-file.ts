/**
 * A flow's `{ "file": name }` payload as bytes, the same for the CLI (files next to the flow,
 * `bundle create`) and the browser (picked or shipped files): a `.hex` file holds hex text with
 * `#` comments and any white space (the project's vector files); anything else is raw bytes.
 */
import { parseHex } from '../bytes/index.ts';

export function payloadBytes(name: string, content: string | Uint8Array): Uint8Array {
  if (!name.endsWith('.hex'))
    return typeof content === 'string' ? new TextEncoder().encode(content) : content;
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  return parseHex(text.replace(/#.*$/gm, '').replace(/\s/g, ''));
}
