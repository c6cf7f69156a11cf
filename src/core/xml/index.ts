/** The XML bridge: XML text ↔ the shared document model, and a canonical form for comparisons. */
export { parseXml, type ParseXmlOptions } from './parse.ts';
export { writeXml, type WriteXmlOptions } from './write.ts';
export { canonicalXml } from './canonical.ts';
export { XmlError, type XmlErrorCode } from './errors.ts';
