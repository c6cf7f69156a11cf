import { parseArgs } from 'node:util';
import { MemoryTreeStore } from '../../adapters/memory-tree-store.ts';
import { freshDeviceState } from '../../adapters/state-file.ts';
import type { PayloadKind } from '../../core/cp/detect.ts';
import type { InboxRecord } from '../../core/cp/inbox.ts';
import { maskedOps, previewLines } from '../../core/cp/preview.ts';
import { applyPlan, pinAttemptsLeft, planProvisioning, receivePayload } from '../../core/cp/provision.ts';
import type { TreeReader } from '../../core/cp/to-tree.ts';
import { toHex } from '../../core/bytes/index.ts';
import { DEFAULT_IDENTITY } from '../../core/device/identity.ts';
import { ManagementTree } from '../../core/tree/tree.ts';
import { EXIT } from '../exit-codes.ts';
import { readInput, subCommandError, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { openDevice, withStateErrors } from '../headless-device.ts';
import { systemClock as clock } from '../../adapters/system-clock.ts';

const KINDS: readonly PayloadKind[] = ['sms-segments', 'wsp-push', 'wbxml', 'xml'];

const usage = [
  'Usage: ota-handset cp inspect <file|-> [--state FILE] [--imsi N] [--pin P] [--as KIND] [--json]',
  '       ota-handset cp apply <file|-> --state FILE [--imsi N] [--pin P] [--as KIND] [--accept-unsigned] [--json]',
  '',
  '  inspect  unwraps the payload (SMS segments, WAP push, WBXML or XML; hex, base64 or binary),',
  '           checks SEC/MAC, parses and validates the provisioning document (or DM bootstrap) and',
  '           prints the planned tree changes; writes nothing',
  '  apply    the same, then applies the changes to the headless device as one atomic batch',
  '',
  '  --state FILE       the headless device (JSON); inspect plans against it, apply writes it',
  '                     (created with the default identity when missing)',
  '  --imsi N           IMSI for NETWPIN / USERNETWPIN (default: the device’s, else the default identity’s)',
  '  --pin P            PIN for USERPIN / USERNETWPIN, or PIN+MAC digits for USERPINMAC',
  '  --as KIND          read the input as sms-segments, wsp-push, wbxml or xml (when detection is ambiguous)',
  '  --accept-unsigned  apply a message that carries no SEC/MAC (otherwise refused)',
  '  --json             print the inbox record as JSON (bytes as hex, secrets masked)',
  '',
  'Exit codes: 0 authentic (or unsigned) and planned/applied; 1 the tree refused the batch (nothing',
  'written); 2 malformed input or usage; 3 security: MAC mismatch, PIN missing or wrong, unsigned',
  'message not accepted.',
].join('\n');

function hex(bytes: Uint8Array): string {
  return toHex(bytes).toUpperCase();
}

/** The record as JSON: bytes as hex, secret op values masked. */
function recordJson(record: InboxRecord): string {
  const safe: InboxRecord = record.plan
    ? { ...record, plan: { ...record.plan, ops: maskedOps(record.plan.ops) } }
    : record;
  return JSON.stringify(
    safe,
    (_key, value: unknown) => (value instanceof Uint8Array ? hex(value) : value),
    1,
  );
}

/** Text given to the detector: printable files (hex, base64, XML) as text, others as bytes. */
function asInput(bytes: Uint8Array): string | Uint8Array {
  const printable = bytes.every(
    (b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80,
  );
  if (!printable || bytes.length === 0) return bytes;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return bytes;
  }
}

function describe(record: InboxRecord, io: CliIo, imsiUsed: string): void {
  const lines: string[] = [];
  lines.push(
    `message: ${record.id} (${record.raw.length} bytes, ${record.detected ? `${record.detected.kind}, ${record.detected.encoding}` : 'not recognised'})`,
  );
  for (const layer of record.detected?.layers ?? [])
    lines.push(`  layer: ${layer.title} (${layer.length} bytes)`);
  if (record.contentType !== undefined)
    lines.push(
      `content type: ${record.contentType}${record.applicationId ? `, application ${record.applicationId}` : ''}`,
    );
  if (record.sec !== undefined || record.mac !== undefined) {
    lines.push(`SEC: ${record.sec ?? '-'} (${record.security?.method ?? 'none'}), MAC: ${record.mac ?? '-'}`);
  }
  if (record.security) {
    lines.push(`security: ${record.verdict}: ${record.security.message}`);
    if (record.security.method === 'NETWPIN' || record.security.method === 'USERNETWPIN')
      lines.push(`  IMSI used: ${imsiUsed}`);
    if (record.security.expected !== undefined && !record.security.authentic)
      lines.push(`  expected: ${record.security.expected}`);
  }
  if (record.status === 'awaiting-pin') lines.push(`PIN attempts left: ${pinAttemptsLeft(record)}`);
  for (const w of record.warnings) lines.push(`warning: ${w}`);
  if (record.issues)
    for (const i of record.issues.filter((x) => x.severity === 'error')) lines.push(`error: ${i.message}`);
  if (record.plan) {
    lines.push('', 'planned changes:', ...previewLines(record.plan.preview).map((l) => `  ${l}`));
    for (const s of record.plan.startSessions)
      lines.push(`  then: start a DM session with ${s.serverId} (${s.reason})`);
    lines.push('', `tree operations (${record.plan.ops.length}, one atomic batch, origin ${record.id}):`);
    for (const op of maskedOps(record.plan.ops)) {
      const value =
        'value' in op && op.value !== undefined
          ? ` = ${op.value instanceof Uint8Array ? `0x${hex(op.value)}` : JSON.stringify(op.value)}`
          : '';
      const extra = op.op === 'add' && op.acl !== undefined ? ` (ACL ${op.acl})` : '';
      lines.push(`  ${op.op} ${op.uri}${value}${extra}`);
    }
  }
  if (record.status === 'applied') lines.push('', `applied: ${record.plan?.preview.summary ?? ''}`);
  io.out(`${lines.join('\n')}\n`);
}

/** Exit code for a record that stopped before apply. */
function stopCode(record: InboxRecord): number {
  if (record.status === 'awaiting-pin' || record.status === 'discarded') return EXIT.security;
  if (record.status === 'invalid') return EXIT.usage;
  if (record.status === 'failed') return EXIT.failed;
  return EXIT.ok;
}

export const cpVerb: Verb = {
  name: 'cp',
  summary: 'inspect or apply an OMA CP provisioning message (or DM bootstrap) to a headless device',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        state: { type: 'string' },
        imsi: { type: 'string' },
        pin: { type: 'string' },
        as: { type: 'string' },
        json: { type: 'boolean' },
        'accept-unsigned': { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [sub, file, ...extra] = positionals;
    if (sub !== 'inspect' && sub !== 'apply') {
      throw subCommandError(sub, 'inspect or apply');
    }
    if (file === undefined) throw new UsageError(`cp ${sub} needs a file (or - for standard input)`);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (sub === 'apply' && values.state === undefined) throw new UsageError('cp apply needs --state FILE');
    if (values['accept-unsigned'] && sub !== 'apply')
      throw new UsageError('--accept-unsigned is for cp apply');
    const as = values.as;
    if (as !== undefined && !(KINDS as readonly string[]).includes(as))
      throw new UsageError(`--as is one of ${KINDS.join(', ')}`);
    const statePath = values.state;

    return withStateErrors(io, async () => {
      const bytes = await readInput(file, io);
      const device = statePath === undefined ? undefined : await openDevice(statePath, sub === 'apply');
      let tree: TreeReader;
      if (device) tree = device.tree;
      else {
        const state = freshDeviceState(clock.now());
        tree = await ManagementTree.open(new MemoryTreeStore(state.nodes), { clock });
      }
      const imsi = values.imsi ?? device?.state.identity.imsi ?? DEFAULT_IDENTITY.imsi;
      const now = clock.now();
      const receiveOptions: Parameters<typeof receivePayload>[1] = {
        id: `cp-${now}`,
        receivedAt: now,
        source: 'file',
        sourceName: file === '-' ? 'stdin' : file,
        imsi,
      };
      if (as !== undefined) receiveOptions.chosenKind = as as PayloadKind;
      if (values.pin !== undefined) receiveOptions.pin = values.pin;
      let record = receivePayload(asInput(bytes), receiveOptions);
      if (record.status === 'received') record = planProvisioning(record, tree);

      if (sub === 'apply' && record.status === 'awaiting-consent' && device) {
        if (record.verdict === 'unsigned' && values['accept-unsigned'] !== true) {
          if (values.json) io.out(`${recordJson(record)}\n`);
          else describe(record, io, imsi);
          io.err(
            'error unsigned-not-accepted: the message carries no SEC/MAC; pass --accept-unsigned to apply it anyway\n',
          );
          return EXIT.security;
        }
        record = await applyPlan(record, device.tree, {
          at: clock.now(),
          acceptUnsigned: values['accept-unsigned'] === true,
        });
        if (record.status === 'applied') await device.save();
      }

      if (values.json) io.out(`${recordJson(record)}\n`);
      else describe(record, io, imsi);
      if (record.error && !values.json) io.err(`error ${record.error.code}: ${record.error.message}\n`);
      return stopCode(record);
    });
  },
};
