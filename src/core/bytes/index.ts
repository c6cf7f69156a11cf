/** Byte-level helpers shared by the WBXML codec, CP push parsing and DM auth. */
export { BytesError, type BytesErrorCode } from './errors.ts';
export { ByteReader } from './reader.ts';
export { ByteWriter } from './writer.ts';
export { toHex, hexByte, parseHex, type ParseHexOptions } from './hex.ts';
export { toBase64, parseBase64, type Base64Options, type ParseBase64Options } from './base64.ts';
export { decodeUtf8, encodeUtf8, encodeUtf8Into, utf8Length, isValidUtf8 } from './utf8.ts';
export { concatBytes, equalBytes } from './concat.ts';
