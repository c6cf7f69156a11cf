/** The WBXML codec: decoder, encoder, code pages and errors. */
export {
  decodeWbxml,
  DEFAULT_WBXML_LIMITS,
  type WbxmlDecodeOptions,
  type WbxmlDecoded,
  type WbxmlLimits,
} from './decode.ts';
export { encodeWbxml, type WbxmlEncodeOptions } from './encode.ts';
export { WbxmlError, type WbxmlErrorCode } from './errors.ts';
export {
  FPI,
  NS,
  LANGUAGES,
  languageByFpi,
  languageByKey,
  languageByPublicId,
  languageByRoot,
  type Language,
  type LanguageKey,
} from './code-pages/languages.ts';
export * from './document.ts';
