/**
 * WBXML codec benchmark (not a test). Run alone with `npx tsx bench/wbxml.ts`; the lead's
 * runner imports `runWbxmlBench`.
 *
 * On a generated corpus of SyncML DM 1.2 messages (more than 10 MB of XML: many ordinary
 * messages plus single messages with tens of thousands of items) it measures, in one run:
 * - our decoder on the WBXML vs fast-xml-parser parsing the equivalent XML (goal: 2x faster);
 * - our encoder vs fast-xml-parser's builder writing the same document (goal: at least as fast);
 * - libwbxml's wbxml2xml / xml2wbxml on the same documents, whole process;
 * - scaling across document sizes (goal: 10x the items takes at most 11x the time);
 * - peak and retained heap of decoding, relative to the input size, before and after the
 *   tape (decisions 0105, 0106), and the peak when every node of the result is read.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { decodeWbxml } from '../src/core/wbxml/decode.ts';
import { encodeWbxml } from '../src/core/wbxml/encode.ts';
import type { XmlDocument } from '../src/core/wbxml/document.ts';
import { parseXml, writeXml } from '../src/core/xml/index.ts';
import { measureDecodeHeap } from './heap/measure.ts';
import { alternateMs, formatTable, row, sample, timeMs, type BenchRow, type Sample } from './lib.ts';

const SUITE = 'wbxml';
const FPI = '-//SYNCML//DTD SyncML 1.2//EN';
const DOCTYPE = `<!DOCTYPE SyncML PUBLIC "${FPI}" "http://www.openmobilealliance.org/tech/DTD/OMA-TS-SyncML_RepPro_DTD-V1_2.dtd">`;

/** A deterministic pseudo-random generator so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const meta = (format: string, type?: string) =>
  `<Meta><Format xmlns="syncml:metinf">${format}</Format>${type ? `<Type xmlns="syncml:metinf">${type}</Type>` : ''}</Meta>`;

/** One DM message with `items` items spread over Status, Get, Replace, Add and Results. */
function dmMessage(seed: number, items: number): string {
  const r = rng(seed);
  const parts: string[] = [];
  parts.push(
    `<?xml version="1.0" encoding="UTF-8"?>${DOCTYPE}<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD>` +
      `<VerProto>DM/1.2</VerProto><SessionID>${(seed % 65536).toString(16)}</SessionID><MsgID>${1 + (seed % 9)}</MsgID>` +
      `<Target><LocURI>IMEI:4901542032${(37518 + seed) % 100000}</LocURI></Target><Source><LocURI>https://dm.example.net/dm</LocURI></Source>` +
      `<Meta><MaxMsgSize xmlns="syncml:metinf">65536</MaxMsgSize></Meta></SyncHdr><SyncBody>`,
  );
  let cmd = 1;
  let left = items;
  while (left > 0) {
    const kind = Math.floor(r() * 5);
    const n = Math.min(left, 1 + Math.floor(r() * 8));
    left -= n;
    const uri = (i: number) => `./Vendor/Example/Node${Math.floor(r() * 1000)}/Leaf${i}`;
    const body: string[] = [];
    for (let i = 0; i < n; i++) {
      if (kind === 0) body.push(`<Item><Target><LocURI>${uri(i)}</LocURI></Target></Item>`);
      else if (kind === 4)
        body.push(
          `<Item><Source><LocURI>${uri(i)}</LocURI></Source>${meta('chr', 'text/plain')}<Data>value ${Math.floor(r() * 1e6)} for leaf ${i}</Data></Item>`,
        );
      else
        body.push(
          `<Item><Target><LocURI>${uri(i)}</LocURI></Target>${meta(kind === 3 ? 'int' : 'chr', 'text/plain')}<Data>${Math.floor(r() * 1e9)} example data</Data></Item>`,
        );
    }
    const name = ['Get', 'Replace', 'Add', 'Replace', 'Results'][kind]!;
    parts.push(
      `<Status><CmdID>${cmd++}</CmdID><MsgRef>1</MsgRef><CmdRef>${cmd}</CmdRef><Cmd>${name}</Cmd><Data>200</Data></Status>`,
    );
    parts.push(`<${name}><CmdID>${cmd++}</CmdID>${body.join('')}</${name}>`);
  }
  parts.push('<Final/></SyncBody></SyncML>');
  return parts.join('');
}

interface Doc {
  xml: string;
  doc: XmlDocument;
  wbxml: Uint8Array;
}

function makeDoc(xml: string): Doc {
  const doc = parseXml(xml);
  return { xml, doc, wbxml: encodeWbxml(doc, { version: 0x02 }) };
}

const fxpParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
});
const fxpBuilder = new XMLBuilder({ preserveOrder: true, ignoreAttributes: false, suppressEmptyNode: true });

function processMs(tool: string, args: string[], runs: number): Sample {
  const values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    execFileSync(tool, args, { stdio: 'ignore', maxBuffer: 1 << 30 });
    values.push(performance.now() - start);
  }
  return sample(values);
}

function hasTool(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function runWbxmlBench(log: (line: string) => void = () => {}): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const mb = (n: number) => (n / 1e6).toFixed(1);

  // ---- corpus -------------------------------------------------------------------
  const many: Doc[] = [];
  let manyXml = 0;
  // 10 MB of XML in ordinary messages alone (issue #10), plus the large single messages below.
  for (let seed = 1; manyXml < 10e6; seed++) {
    const d = makeDoc(dmMessage(seed, 5 + (seed % 40)));
    many.push(d);
    manyXml += d.xml.length;
  }
  const large = [3_000, 30_000].map((items) => makeDoc(dmMessage(0xbeef + items, items)));
  const totalXml = manyXml + large.reduce((s, d) => s + d.xml.length, 0);
  const manyWbxml = many.reduce((s, d) => s + d.wbxml.length, 0);
  log(
    `corpus: ${many.length} messages (${mb(manyXml)} MB XML, ${mb(manyWbxml)} MB WBXML) + large messages of ` +
      `${large.map((d) => `${mb(d.xml.length)} MB`).join(', ')} XML; total ${mb(totalXml)} MB XML`,
  );

  // ---- decode / parse: many messages ---------------------------------------------
  const fxpTrees = many.map((d) => fxpParser.parse(d.xml) as unknown[]);
  const decodeMany = await timeMs(() => {
    for (const d of many) decodeWbxml(d.wbxml);
  }, 7);
  const parseMany = await timeMs(() => {
    for (const d of many) fxpParser.parse(d.xml);
  }, 7);
  rows.push(
    row(
      SUITE,
      `decode ${many.length} DM messages (${mb(manyWbxml)} MB)`,
      'ms',
      decodeMany,
      { name: 'fast-xml-parser parse (same XML)', sample: parseMany },
      '<= 0.5 (2x faster)',
    ),
  );
  const encodeMany = await timeMs(() => {
    for (const d of many) encodeWbxml(d.doc);
  }, 7);
  const buildMany = await timeMs(() => {
    for (const t of fxpTrees) fxpBuilder.build(t);
  }, 7);
  rows.push(
    row(
      SUITE,
      `encode ${many.length} DM messages`,
      'ms',
      encodeMany,
      { name: 'fast-xml-parser build (same doc)', sample: buildMany },
      '<= 1',
    ),
  );

  // ---- single large messages ----------------------------------------------------
  for (const d of large) {
    const items = d === large[0] ? '3k' : '30k';
    const dec = await timeMs(() => decodeWbxml(d.wbxml), 7);
    const par = await timeMs(() => fxpParser.parse(d.xml), 7);
    rows.push(
      row(
        SUITE,
        `decode one message, ${items} items (${mb(d.wbxml.length)} MB)`,
        'ms',
        dec,
        { name: 'fast-xml-parser parse', sample: par },
        '<= 0.5',
      ),
    );
    const tree = fxpParser.parse(d.xml) as unknown[];
    const enc = await timeMs(() => encodeWbxml(d.doc), 7);
    const bld = await timeMs(() => fxpBuilder.build(tree), 7);
    rows.push(
      row(
        SUITE,
        `encode one message, ${items} items`,
        'ms',
        enc,
        { name: 'fast-xml-parser build', sample: bld },
        '<= 1',
      ),
    );
  }

  // ---- scaling -------------------------------------------------------------------
  const scaleSmall = makeDoc(dmMessage(7, 5_000));
  const scaleBig = makeDoc(dmMessage(7, 50_000));
  const interleaved = (small: () => unknown, big: () => unknown, runs: number): [Sample, Sample] => {
    const [a, b] = alternateMs(small, big, runs, 3);
    return [sample(a), sample(b)];
  };
  const sizeRatio = scaleBig.wbxml.length / scaleSmall.wbxml.length;
  const [dSmall, dBig] = interleaved(
    () => decodeWbxml(scaleSmall.wbxml),
    () => decodeWbxml(scaleBig.wbxml),
    9,
  );
  rows.push(
    row(
      SUITE,
      `decode scaling 50k vs 5k items (size x${sizeRatio.toFixed(1)})`,
      'ms',
      dBig,
      { name: 'decode 5k items', sample: dSmall },
      `<= ${(1.1 * sizeRatio).toFixed(1)} (1.1 x size ratio)`,
    ),
  );
  const [eSmall, eBig] = interleaved(
    () => encodeWbxml(scaleSmall.doc),
    () => encodeWbxml(scaleBig.doc),
    9,
  );
  rows.push(
    row(
      SUITE,
      `encode scaling 50k vs 5k items (size x${sizeRatio.toFixed(1)})`,
      'ms',
      eBig,
      { name: 'encode 5k items', sample: eSmall },
      `<= ${(1.1 * sizeRatio).toFixed(1)}`,
    ),
  );

  // ---- decode heap: peak and retained (decision 0105) --------------------------------
  // Each figure comes from a fresh child process (bench/heap/measure.ts); "before" is the
  // decoder as it was before the tape (decision 0106), kept as bench/heap/decode-v1.ts.
  const heapRows = (label: string, inputs: Uint8Array[]): void => {
    const before = measureDecodeHeap('v1', inputs);
    const after = measureDecodeHeap('current', inputs);
    const x = (bytes: number) => sample([bytes / after.inputBytes]);
    const v1 = 'decoder before 0106 (v1)';
    rows.push(
      row(
        SUITE,
        `decode peak heap, ${label} / WBXML size`,
        'x',
        x(after.peak),
        { name: v1, sample: x(before.peak) },
        '<= 4',
      ),
      row(
        SUITE,
        `decode retained heap, ${label} / WBXML size`,
        'x',
        x(after.retained),
        { name: v1, sample: x(before.retained) },
        '< 4',
      ),
    );
    log(
      `heap ${label}: peak between ${(after.peakLow / after.inputBytes).toFixed(2)}x and ${(after.peak / after.inputBytes).toFixed(2)}x ` +
        `(v1 ${(before.peakLow / before.inputBytes).toFixed(2)}x-${(before.peak / before.inputBytes).toFixed(2)}x), ` +
        `${after.collections} / ${before.collections} full collections sampled`,
    );
  };
  heapRows(`50k-item message (${mb(scaleBig.wbxml.length)} MB)`, [scaleBig.wbxml]);
  heapRows(
    `${many.length} DM messages kept (${mb(manyWbxml)} MB)`,
    many.map((d) => d.wbxml),
  );
  // What a caller that reads the whole document pays (the view is then built in full).
  const walkAfter = measureDecodeHeap('current', [scaleBig.wbxml], { walk: true });
  const walkBefore = measureDecodeHeap('v1', [scaleBig.wbxml], { walk: true });
  rows.push(
    row(
      SUITE,
      'decode + read every node, peak heap, 50k-item message / WBXML size',
      'x',
      sample([walkAfter.peak / walkAfter.inputBytes]),
      { name: 'v1 decoder + read every node', sample: sample([walkBefore.peak / walkBefore.inputBytes]) },
    ),
  );

  // ---- libwbxml, whole process ------------------------------------------------------
  if (hasTool('wbxml2xml') && hasTool('xml2wbxml')) {
    const dir = mkdtempSync(join(tmpdir(), 'ota-wbxml-bench-'));
    try {
      // libwbxml is quadratic: 2.5k and 25k items keep its run time reasonable and show the trend.
      const lw = [makeDoc(dmMessage(11, 2_500)), makeDoc(dmMessage(11, 25_000))];
      const libwbxml: Record<'decode' | 'encode', Sample[]> = { decode: [], encode: [] };
      const oursTimes: Record<'decode' | 'encode', Sample[]> = { decode: [], encode: [] };
      for (const [label, d, runs] of [
        ['2.5k items', lw[0]!, 3],
        ['25k items', lw[1]!, 1],
      ] as const) {
        writeFileSync(join(dir, 'in.wbxml'), d.wbxml);
        writeFileSync(join(dir, 'in.xml'), d.xml);
        const theirs = processMs(
          'wbxml2xml',
          ['-m', '0', '-o', join(dir, 'out.xml'), join(dir, 'in.wbxml')],
          runs,
        );
        const ours = await timeMs(() => writeXml(decodeWbxml(d.wbxml).document), 5);
        libwbxml.decode.push(theirs);
        oursTimes.decode.push(ours);
        rows.push(
          row(SUITE, `WBXML→XML, ${label}: ours (decode+writeXml) in process`, 'ms', ours, {
            name: 'libwbxml wbxml2xml (process)',
            sample: theirs,
          }),
        );
        const theirsEnc = processMs(
          'xml2wbxml',
          ['-n', '-v', '1.2', '-o', join(dir, 'out.wbxml'), join(dir, 'in.xml')],
          runs,
        );
        const oursEnc = await timeMs(() => encodeWbxml(parseXml(d.xml)), 5);
        libwbxml.encode.push(theirsEnc);
        oursTimes.encode.push(oursEnc);
        rows.push(
          row(SUITE, `XML→WBXML, ${label}: ours (parseXml+encode) in process`, 'ms', oursEnc, {
            name: 'libwbxml xml2wbxml (process)',
            sample: theirsEnc,
          }),
        );
      }
      // Scaling, same documents: 10x the items. libwbxml's process start-up is in both of its figures.
      const lwRatio = lw[1]!.wbxml.length / lw[0]!.wbxml.length;
      for (const [what, tool] of [
        ['decode', 'wbxml2xml'],
        ['encode', 'xml2wbxml'],
      ] as const) {
        rows.push(
          row(
            SUITE,
            `${tool} scaling 25k vs 2.5k items (size x${lwRatio.toFixed(1)}), libwbxml`,
            'ms',
            libwbxml[what][1]!,
            { name: `libwbxml ${tool} 2.5k items`, sample: libwbxml[what][0]! },
            `linear would be ${lwRatio.toFixed(1)} (1 run at 25k: libwbxml is slow there)`,
          ),
        );
        rows.push(
          row(
            SUITE,
            `${what === 'decode' ? 'decode+writeXml' : 'parseXml+encode'} scaling 25k vs 2.5k items (size x${lwRatio.toFixed(1)}), ours`,
            'ms',
            oursTimes[what][1]!,
            { name: `ours 2.5k items`, sample: oursTimes[what][0]! },
            `<= ${(1.1 * lwRatio).toFixed(1)}`,
          ),
        );
      }
      // 200 ordinary messages, one process each.
      const subset = many.slice(0, 200);
      subset.forEach((d, i) => writeFileSync(join(dir, `m${i}.wbxml`), d.wbxml));
      const start = performance.now();
      subset.forEach((_d, i) =>
        execFileSync('wbxml2xml', ['-m', '0', '-o', join(dir, `m${i}.xml`), join(dir, `m${i}.wbxml`)], {
          stdio: 'ignore',
        }),
      );
      const theirsMany = sample([performance.now() - start]);
      const oursMany = await timeMs(() => {
        for (const d of subset) writeXml(decodeWbxml(d.wbxml).document);
      }, 5);
      rows.push(
        row(SUITE, 'WBXML→XML, 200 DM messages', 'ms', oursMany, {
          name: 'libwbxml wbxml2xml (200 processes)',
          sample: theirsMany,
        }),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    log('libwbxml tools not installed (apt-get install libwbxml2-utils): libwbxml rows skipped');
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runWbxmlBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(rows));
}
