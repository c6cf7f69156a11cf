/**
 * The whole pipeline on the security engineer's vectors (test/vectors/cp, made with openssl):
 * every SEC method (oma-cp.md §6), PIN attempts (limit from security.ts), NETWPIN silent drop,
 * unsigned messages needing explicit acceptance, bad input, atomic apply, and the inbox record.
 */
import { describe, expect, it } from 'vitest';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { MemoryInboxStore, recordSummary, type InboxRecord } from '../../../src/core/cp/inbox.ts';
import {
  ProvisionError,
  applyPlan,
  pinAttemptsLeft,
  planProvisioning,
  receivePayload,
  rejectProvisioning,
  submitPin,
  type ReceiveOptions,
} from '../../../src/core/cp/provision.ts';
import { CONTENT_TYPE, buildPush } from '../../../src/core/cp/push.ts';
import { PIN_ATTEMPT_LIMIT, signPush } from '../../../src/core/cp/security.ts';
import { segmentPush } from '../../../src/core/cp/sms.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { TreeStoreError } from '../../../src/core/tree/store.ts';
import { DEVICE } from '../../../src/core/tree/types.ts';
import { IMSI, USERPINMAC_ENTRY, toHex, vector, vectorText } from '../cp/vectors.ts';
import { T0, clock, freshTree, kids, prov, sample, value } from './helpers.ts';

const opts = (id = 'm1', extra: Partial<ReceiveOptions> = {}): ReceiveOptions => ({
  id,
  receivedAt: T0,
  source: 'paste',
  imsi: IMSI,
  ...extra,
});

const hexOf = (name: string) => toHex(vector(name));
const docA = vector('doc-a.wbxml.hex');
const STORYBOARD =
  'Adds MMS settings *Example MMS* (MMSC http://mmsc.example.net/mms, via access point *MMS_NAP*)';

async function planAndApply(
  record: InboxRecord,
  tree: ManagementTree,
  acceptUnsigned = false,
): Promise<InboxRecord> {
  const planned = planProvisioning(record, tree);
  expect(planned.status, planned.error?.message).toBe('awaiting-consent');
  return applyPlan(planned, tree, { at: T0 + 1000, acceptUnsigned });
}

describe('every SEC method, end to end', () => {
  it('NETWPIN (SEC 0): checked with the IMSI, no prompt, applied', async () => {
    const { tree } = await freshTree();
    const r = receivePayload(hexOf('push-netwpin.hex'), opts());
    expect(r.kind).toBe('cp');
    expect(r.contentType).toBe(CONTENT_TYPE.cpWbxml);
    expect([r.sec, r.verdict, r.status]).toEqual([0, 'authentic', 'received']);
    expect(r.detected?.layers.map((l) => l.kind)).toEqual(['wsp-push', 'body']);
    const done = await planAndApply(r, tree);
    expect(done.status).toBe('applied');
    expect(done.plan!.preview.groups[0]!.items[0]!.sentence).toBe(STORYBOARD);
    expect(tree.instances('./MMS').map((i) => [i.name, i.active])).toEqual([['Example_MMS', true]]);
    expect(value(tree, './MMS/Example_MMS/Addr')).toBe('http://mmsc.example.net/mms');
  });

  it('NETWPIN with the wrong IMSI is discarded silently, but kept for the tester', () => {
    const r = receivePayload(hexOf('push-netwpin.hex'), opts('m1', { imsi: '262022033864728' }));
    expect(r.status).toBe('discarded');
    expect(r.verdict).toBe('mac-mismatch');
    expect(r.error).toMatchObject({ code: 'netwpin-mismatch', step: 'security' });
    expect(r.raw.length).toBeGreaterThan(0);
  });

  it('USERPIN (SEC 1): asks for the PIN, counts wrong PINs, accepts the right one', async () => {
    const { tree } = await freshTree();
    let r = receivePayload(hexOf('push-userpin.hex'), opts());
    expect([r.status, r.verdict, r.security?.method]).toEqual(['awaiting-pin', 'pin-required', 'USERPIN']);
    expect(pinAttemptsLeft(r)).toBe(PIN_ATTEMPT_LIMIT);
    r = submitPin(r, '0000');
    expect([r.status, r.verdict, r.pinAttempts]).toEqual(['awaiting-pin', 'mac-mismatch', 1]);
    r = submitPin(r, '1234');
    expect([r.status, r.verdict, r.pinAttempts]).toEqual(['received', 'authentic', 1]);
    expect((await planAndApply(r, tree)).status).toBe('applied');
  });

  it(`USERPIN: ${PIN_ATTEMPT_LIMIT} wrong PINs discard the message`, () => {
    let r = receivePayload(hexOf('push-userpin.hex'), opts());
    for (let i = 1; i < PIN_ATTEMPT_LIMIT; i++) {
      r = submitPin(r, `999${i}`);
      expect(r.status).toBe('awaiting-pin');
    }
    r = submitPin(r, '9999');
    expect([r.status, r.verdict, r.pinAttempts]).toEqual([
      'discarded',
      'pin-attempts-exhausted',
      PIN_ATTEMPT_LIMIT,
    ]);
    expect(() => submitPin(r, '1234')).toThrow(ProvisionError);
    expect(recordSummary(r)).toMatch(/^Discarded: USERPIN: 3 wrong PINs/);
  });

  it('USERNETWPIN (SEC 2): IMSI key + PIN', () => {
    let r = receivePayload(hexOf('push-usernetwpin.hex'), opts());
    expect(r.status).toBe('awaiting-pin');
    r = submitPin(r, '1234', { imsi: IMSI });
    expect(r.verdict).toBe('authentic');
    const wrongImsi = submitPin(receivePayload(hexOf('push-usernetwpin.hex'), opts()), '1234', {
      imsi: '262022033864728',
    });
    expect([wrongImsi.status, wrongImsi.verdict, wrongImsi.pinAttempts]).toEqual([
      'awaiting-pin',
      'mac-mismatch',
      1,
    ]);
  });

  it('USERPINMAC (SEC 3): PIN followed by the MAC digits; a malformed entry is not counted', () => {
    let r = receivePayload(hexOf('push-userpinmac.hex'), opts());
    expect(r.status).toBe('awaiting-pin');
    r = submitPin(r, '123');
    expect([r.verdict, r.pinAttempts]).toEqual(['malformed-pin', 0]);
    r = submitPin(r, '1234500000');
    expect([r.verdict, r.pinAttempts]).toEqual(['mac-mismatch', 1]);
    r = submitPin(r, USERPINMAC_ENTRY);
    expect(r.verdict).toBe('authentic');
  });

  it('a PIN given on receipt (CLI --pin) is checked at once', () => {
    expect(receivePayload(hexOf('push-userpin.hex'), opts('m1', { pin: '1234' })).verdict).toBe('authentic');
    const wrong = receivePayload(hexOf('push-userpin.hex'), opts('m1', { pin: '1111' }));
    expect([wrong.status, wrong.pinAttempts]).toEqual(['awaiting-pin', 1]);
  });

  it('unsigned: planned with a preview, applied only when the user accepts it', async () => {
    const { tree } = await freshTree();
    const r = planProvisioning(receivePayload(hexOf('push-unsigned.hex'), opts()), tree);
    expect([r.verdict, r.status]).toEqual(['unsigned', 'awaiting-consent']);
    await expect(applyPlan(r, tree, { at: T0 })).rejects.toMatchObject({ code: 'unsigned-not-accepted' });
    expect(kids(tree, './MMS')).toEqual([]);
    expect((await applyPlan(r, tree, { at: T0, acceptUnsigned: true })).status).toBe('applied');
  });

  it('signed pushes built with buildPush / signPush, also carried as SMS segments', async () => {
    const body = docA;
    const signed = signPush({ method: 'USERNETWPIN', body, imsi: IMSI, pin: '4321' });
    const pdu = buildPush({ contentType: CONTENT_TYPE.cpWbxml, sec: signed.sec, mac: signed.mac, body });
    const segments = segmentPush(pdu, { reference: 7 });
    expect(segments.length).toBeGreaterThan(1);
    const text = segments.map((s) => toHex(s)).join('\n');
    let r = receivePayload(text, opts());
    expect(r.detected?.kind).toBe('sms-segments');
    expect(r.status).toBe('awaiting-pin');
    r = submitPin(r, '4321', { imsi: IMSI });
    expect(r.verdict).toBe('authentic');
    const { tree } = await freshTree();
    expect((await planAndApply(r, tree)).status).toBe('applied');
  });

  it('the SMS vector (NETWPIN) unwraps through the SMS layer', () => {
    const r = receivePayload(vectorText('sms-netwpin.hex'), opts());
    expect(r.detected?.kind).toBe('sms-segments');
    expect(r.verdict).toBe('authentic');
  });
});

describe('XML input', () => {
  it('a pasted XML document is unsigned and planned like WBXML', async () => {
    const { tree } = await freshTree();
    const r = planProvisioning(receivePayload(sample('intel-cpclient/omadm.xml'), opts()), tree);
    expect([r.contentType, r.bodyFormat, r.verdict, r.status]).toEqual([
      CONTENT_TYPE.cpXml,
      'xml',
      'unsigned',
      'awaiting-consent',
    ]);
    expect(r.documentXml).toContain('wap-provisioningdoc');
    const done = await applyPlan(r, tree, { at: T0, acceptUnsigned: true });
    expect(value(tree, './DMAcc/dmserver/ServerID')).toBe('dmserver');
    expect(done.applied?.batch.status).toBe(200);
  });
});

describe('bad input: clear error, tree unchanged, the inbox records it', () => {
  async function rejected(
    input: string | Uint8Array,
    expectStatus: InboxRecord['status'],
    code: string,
    step: string,
  ) {
    const { tree } = await freshTree();
    const before = tree.snapshot();
    const inbox = new MemoryInboxStore();
    let r = receivePayload(input, opts('bad-1', { pin: '1234' }));
    if (r.status === 'received') r = planProvisioning(r, tree);
    await inbox.put(r);
    expect(r.status).toBe(expectStatus);
    expect(r.error?.code).toBe(code);
    expect(r.error?.step).toBe(step);
    expect(tree.snapshot()).toEqual(before);
    const stored = await inbox.get('bad-1');
    expect(stored?.error).toEqual(r.error);
    expect(stored?.raw).toEqual(r.raw);
    return r;
  }

  it('truncated push PDU', async () => {
    const hex = hexOf('push-userpin.hex');
    const r = await rejected(hex.slice(0, 40), 'invalid', 'truncated', 'unwrap');
    expect(r.error?.message.length).toBeGreaterThan(10);
  });

  it('truncated WBXML body behind a valid unsigned push header', async () => {
    const body = docA.slice(0, 120);
    const pdu = buildPush({ contentType: CONTENT_TYPE.cpWbxml, body });
    await rejected(toHex(pdu), 'invalid', 'truncated', 'decode');
  });

  it('wrong MAC (one character changed): the right PIN does not match; never planned', async () => {
    const bad = buildPush({
      contentType: CONTENT_TYPE.cpWbxml,
      sec: 1,
      mac: 'E29BF3FF98F0287675E404F7668DB0B2DC8F8F09',
      body: docA,
    });
    const { tree } = await freshTree();
    const rec = receivePayload(toHex(bad), opts('x', { pin: '1234' }));
    expect([rec.status, rec.verdict, rec.pinAttempts]).toEqual(['awaiting-pin', 'mac-mismatch', 1]);
    expect(rec.security?.expected).toBe('E29BF3FF98F0287675E404F7668DB0B2DC8F8F08');
    expect(() => planProvisioning(rec, tree)).toThrow(ProvisionError);
    // A bad MAC parameter (not 40 hex characters) is discarded at once.
    const malformed = buildPush({ contentType: CONTENT_TYPE.cpWbxml, sec: 1, mac: 'ABC', body: docA });
    await rejected(toHex(malformed), 'discarded', 'bad-mac-parameter', 'security');
  });

  it('bad nesting in an otherwise well-formed document', async () => {
    const xml = prov(
      '<characteristic type="PXLOGICAL"><parm name="PROXY-ID" value="p"/><parm name="NAME" value="n"/></characteristic>',
    );
    const r = await rejected(xml, 'invalid', 'cp-invalid', 'validate');
    expect(r.error?.message).toContain('PXLOGICAL[1]: missing PXPHYSICAL characteristic');
    expect(r.issues?.[0]?.severity).toBe('error');
  });

  it('a huge document', async () => {
    const napdef =
      '<characteristic type="NAPDEF"><parm name="NAPID" value="N"/><parm name="NAME" value="n"/><parm name="NAP-ADDRESS" value="a"/></characteristic>';
    await rejected(prov(napdef.repeat(2100)), 'invalid', 'payload-too-large', 'unwrap');
  });

  it('too many characteristics within the size limit', async () => {
    await rejected(prov('<characteristic type="A"/>'.repeat(2100)), 'invalid', 'cp-too-large', 'parse');
  });

  it('not a provisioning content type', async () => {
    const pdu = buildPush({
      contentType: 'application/vnd.wap.mms-message',
      body: new Uint8Array([1, 2, 3]),
    });
    await rejected(toHex(pdu), 'invalid', 'unsupported-content-type', 'unwrap');
  });

  it('unrecognised input', async () => {
    await rejected('hello, this is not a payload', 'invalid', 'unrecognised-input', 'unwrap');
  });
});

describe('apply is one atomic batch', () => {
  it('a later op that fails leaves the tree unchanged and the record says why', async () => {
    const { tree } = await freshTree();
    const r = planProvisioning(receivePayload(hexOf('push-userpin.hex'), opts('m9', { pin: '1234' })), tree);
    // The tree changes after planning: the MMS instance name is now taken, so the Add of
    // ./MMS/Example_MMS (after the access point and proxy ops) fails with 418.
    await tree.batch(DEVICE, [{ op: 'add', uri: './MMS/Example_MMS', format: 'node' }]);
    const before = tree.snapshot();
    const done = await applyPlan(r, tree, { at: T0 });
    expect(done.status).toBe('failed');
    expect(done.failed?.batch?.status).toBe(507);
    expect(done.failed?.reason).toMatch(/^add \.\/MMS\/Example_MMS failed with 418/);
    expect(done.failed?.reason).toContain('nothing was written');
    const failedAt = done.failed!.batch!.failedIndex!;
    expect(failedAt).toBeGreaterThan(0);
    expect(tree.snapshot()).toEqual(before);
    expect(kids(tree, './Conn/NAP')).toEqual([]);
  });

  it('a store that refuses the commit: failed, nothing written', async () => {
    class FailingStore extends MemoryTreeStore {
      override async commit(): Promise<void> {
        throw new TreeStoreError('disk full');
      }
    }
    const tree = await ManagementTree.openWithFactory(new FailingStore(), clock, DEFAULT_IDENTITY);
    const r = planProvisioning(receivePayload(hexOf('push-netwpin.hex'), opts()), tree);
    const before = tree.snapshot();
    const done = await applyPlan(r, tree, { at: T0 });
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({ code: 'tree-store-failed', step: 'apply' });
    expect(tree.snapshot()).toEqual(before);
  });

  it('the batch carries the inbox message id as origin', async () => {
    const { tree } = await freshTree();
    const origins: (string | undefined)[] = [];
    tree.subscribe((change) => origins.push(change.origin));
    await planAndApply(receivePayload(hexOf('push-netwpin.hex'), opts('inbox-42')), tree);
    expect(origins).toEqual(['inbox-42']);
  });
});

describe('steps in order, rejection, the inbox store', () => {
  it('refuses steps out of order', async () => {
    const { tree } = await freshTree();
    const waiting = receivePayload(hexOf('push-userpin.hex'), opts());
    expect(() => planProvisioning(waiting, tree)).toThrow(/cannot be planned/);
    await expect(applyPlan(waiting, tree, { at: T0 })).rejects.toMatchObject({ code: 'wrong-step' });
  });

  it('rejecting keeps the record and writes nothing', async () => {
    const { tree } = await freshTree();
    const planned = planProvisioning(receivePayload(hexOf('push-netwpin.hex'), opts()), tree);
    const r = rejectProvisioning(planned, { at: T0 + 5 });
    expect(r.status).toBe('rejected');
    expect(r.rejected).toEqual({ at: T0 + 5, reason: 'rejected by the user' });
    expect(kids(tree, './MMS')).toEqual([]);
  });

  it('steps do not change the record they are given', () => {
    const r = receivePayload(hexOf('push-userpin.hex'), opts());
    const copy = structuredClone(r);
    submitPin(r, '0000');
    expect(r).toEqual(copy);
  });

  it('MemoryInboxStore: put/get/list (newest first)/delete, copies', async () => {
    const inbox = new MemoryInboxStore();
    const a = receivePayload(hexOf('push-netwpin.hex'), opts('a'));
    const b = receivePayload(hexOf('push-userpin.hex'), { ...opts('b'), receivedAt: T0 + 10 });
    await inbox.put(a);
    await inbox.put(b);
    expect((await inbox.list()).map((r) => r.id)).toEqual(['b', 'a']);
    const got = (await inbox.get('a'))!;
    got.status = 'rejected';
    expect((await inbox.get('a'))!.status).toBe('received');
    await inbox.delete('a');
    expect(await inbox.get('a')).toBeUndefined();
    expect((await inbox.get('b'))!.pinAttempts).toBe(0);
  });
});
