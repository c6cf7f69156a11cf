import { parseArgs } from 'node:util';
import { BytesError } from '../../core/bytes/errors.ts';
import { parseHex, toHex } from '../../core/bytes/hex.ts';
import { decodeUtf8 } from '../../core/bytes/utf8.ts';
import { decodeWbxml } from '../../core/wbxml/decode.ts';
import { encodeWbxml } from '../../core/wbxml/encode.ts';
import { WbxmlError } from '../../core/wbxml/errors.ts';
import { LANGUAGES, type LanguageKey } from '../../core/wbxml/code-pages/languages.ts';
import { parseXml, writeXml, XmlError } from '../../core/xml/index.ts';
import { EXIT } from '../exit-codes.ts';
import { readInput, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';

const VERSIONS = { '1.1': 0x01, '1.2': 0x02, '1.3': 0x03 } as const;

const usage = [
  'Usage: ota-handset wbxml decode <file|-> [--hex] [--language KEY] [--compact]',
  '       ota-handset wbxml encode <file|-> [--version 1.1|1.2|1.3] [--string-table] [--public-id-string] [--hex]',
  '',
  '  decode             read WBXML, print XML (indented unless --compact)',
  '  encode             read XML, write WBXML to standard output',
  '  --hex              read (decode) or write (encode) hex text instead of bytes',
  '  --language KEY     code pages for an unknown public id: ' + LANGUAGES.map((l) => l.key).join(', '),
  '  --version V        WBXML version to write (default 1.3)',
  '  --string-table     put repeated strings in the string table (default off, like xml2wbxml -n)',
  '  --public-id-string write the public id as a string-table reference',
  '',
  'Bad input exits with 2 and prints "error <code> at offset <n>: <message>" (XML: at line/column).',
].join('\n');

export const wbxmlVerb: Verb = {
  name: 'wbxml',
  summary: 'decode WBXML to XML, or encode XML to WBXML (PROV, SyncML DM 1.2, TNDS, DevInf)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        hex: { type: 'boolean' },
        language: { type: 'string' },
        compact: { type: 'boolean' },
        version: { type: 'string' },
        'string-table': { type: 'boolean' },
        'public-id-string': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [mode, file, ...extra] = positionals;
    if ((mode !== 'decode' && mode !== 'encode') || file === undefined || extra.length > 0) {
      throw new UsageError('expected "decode <file|->" or "encode <file|->"');
    }
    const input = await readInput(file, io);
    try {
      if (mode === 'decode') {
        if (values.language !== undefined && !LANGUAGES.some((l) => l.key === values.language)) {
          throw new UsageError(`unknown language "${values.language}"`);
        }
        const bytes = values.hex ? parseHex(decodeUtf8(input), { allowWhitespace: true }) : input;
        const decoded = decodeWbxml(
          bytes,
          values.language ? { language: values.language as LanguageKey } : {},
        );
        io.out(
          writeXml(decoded.document, { indent: values.compact !== true }) + (values.compact ? '\n' : ''),
        );
        return EXIT.ok;
      }
      const version = values.version === undefined ? 0x03 : VERSIONS[values.version as keyof typeof VERSIONS];
      if (version === undefined)
        throw new UsageError(`--version must be 1.1, 1.2 or 1.3, got "${values.version}"`);
      const doc = parseXml(decodeUtf8(input));
      const bytes = encodeWbxml(doc, {
        version,
        stringTable: values['string-table'] === true,
        publicId: values['public-id-string'] ? 'string' : 'number',
      });
      io.out(values.hex ? `${toHex(bytes)}\n` : bytes);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof WbxmlError || error instanceof BytesError) {
        io.err(`error ${error.code} at offset ${error.offset}: ${error.message}\n`);
        return EXIT.usage;
      }
      if (error instanceof XmlError) {
        const where = error.line === undefined ? '' : ` at line ${error.line} column ${error.column ?? 0}`;
        io.err(`error ${error.code}${where}: ${error.message}\n`);
        return EXIT.usage;
      }
      throw error;
    }
  },
};
