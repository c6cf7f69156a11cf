/**
 * CP payload verification benchmark (issue #10): signed provisioning pushes checked and read
 * per second. Run alone with `npx tsx bench/cp.ts`.
 *
 * The payload is test/vectors/cp/push-netwpin.hex: a WSP push of Document A (286-byte CP WBXML
 * body) signed NETWPIN with IMSI 262022033864727. Our work per payload is what the handset
 * does before showing "New settings": read the push (WSP headers, SEC, MAC), derive the key and
 * check the HMAC-SHA1 (pure TypeScript digests, decision 0030), decode the WBXML body and read
 * the provisioning document. A second row runs the inbox path (`receivePayload`: detection of
 * the input's kind across readings, unwrap, verify) before the same decode and parse.
 *
 * The comparison does the same kind of work with native and library code in the same process:
 * node:crypto HMAC-SHA1 over the same body with the same key, plus fast-xml-parser parsing the
 * XML form of the same document. Throughput: higher is better, so the goal is a ratio >= x.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { parseHex } from '../src/core/bytes/hex.ts';
import { parseCpDocument } from '../src/core/cp/parse.ts';
import { receivePayload } from '../src/core/cp/provision.ts';
import { parsePush } from '../src/core/cp/push.ts';
import { netwpinKey, verifyPush } from '../src/core/cp/security.ts';
import { decodeWbxml } from '../src/core/wbxml/decode.ts';
import { writeXml } from '../src/core/xml/index.ts';
import { alternateMs, formatTable, row, sample, type BenchRow, type Sample } from './lib.ts';

const SUITE = 'cp';
const IMSI = '262022033864727';
const PER_RUN = 2000;
const RUNS = 9;

const fxp = new XMLParser({ ignoreAttributes: false, parseTagValue: false });

/** Payloads per second over `RUNS` runs of `PER_RUN` payloads, alternating the two sides. */
function throughput(ours: () => void, theirs: () => void): [Sample, Sample] {
  for (let i = 0; i < 200; i++) {
    ours();
    theirs();
  }
  const batch = (fn: () => void) => () => {
    for (let i = 0; i < PER_RUN; i++) fn();
  };
  const perSecond = (ms: number[]) => sample(ms.map((m) => PER_RUN / (m / 1000)));
  const [a, b] = alternateMs(batch(ours), batch(theirs), RUNS, 0);
  return [perSecond(a), perSecond(b)];
}

export function runCpBench(log: (line: string) => void = () => {}): Promise<BenchRow[]> {
  const pdu = parseHex(readFileSync('test/vectors/cp/push-netwpin.hex', 'utf8').trim());
  const first = parsePush(pdu);
  const xml = writeXml(decodeWbxml(first.body, { language: 'prov' }).document);
  const key = Buffer.from(netwpinKey(IMSI));
  const body = Buffer.from(first.body);
  log(`payload: ${pdu.length}-byte push, ${first.body.length}-byte WBXML body, ${xml.length}-byte XML form`);

  // Every run must really verify and read the document, or the figure is meaningless.
  const direct = () => {
    const push = parsePush(pdu);
    const verdict = verifyPush({
      body: push.body,
      imsi: IMSI,
      ...(push.contentType.params.sec !== undefined ? { sec: push.contentType.params.sec } : {}),
      ...(push.contentType.params.mac !== undefined ? { mac: push.contentType.params.mac } : {}),
    });
    if (!verdict.authentic) throw new Error(`the bench payload did not verify: ${verdict.message}`);
    const doc = parseCpDocument(decodeWbxml(push.body, { language: 'prov' }).document);
    if (doc.characteristics.length === 0) throw new Error('no characteristics read');
  };
  const inbox = () => {
    const record = receivePayload(pdu, { id: 'bench', receivedAt: 0, source: 'paste', imsi: IMSI });
    if (record.verdict !== 'authentic' || !record.body) throw new Error(`inbox path: ${record.status}`);
    const doc = parseCpDocument(decodeWbxml(record.body, { language: 'prov' }).document);
    if (doc.characteristics.length === 0) throw new Error('no characteristics read');
  };
  const baseline = () => {
    createHmac('sha1', key).update(body).digest('hex');
    fxp.parse(xml);
  };

  const rows: BenchRow[] = [];
  const [ours, theirs] = throughput(direct, baseline);
  rows.push(
    row(
      SUITE,
      'CP push verify (NETWPIN HMAC) + WBXML decode + document parse',
      'payloads/s',
      ours,
      { name: 'node:crypto HMAC + fast-xml-parser on XML form', sample: theirs },
      '>= 1 (higher is better)',
    ),
  );
  const [oursInbox, theirsInbox] = throughput(inbox, baseline);
  rows.push(
    row(
      SUITE,
      'CP inbox path (detect + unwrap + verify) + decode + parse',
      'payloads/s',
      oursInbox,
      { name: 'node:crypto HMAC + fast-xml-parser on XML form', sample: theirsInbox },
      '(report; higher is better)',
    ),
  );
  return Promise.resolve(rows);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runCpBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(rows));
}
