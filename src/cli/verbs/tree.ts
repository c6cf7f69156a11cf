import { parseArgs } from 'node:util';
import { exportTreeJson } from '../../core/tree/transfer.ts';
import { DEVICE, TNDS_MIME, server, type Principal, type TreeResult } from '../../core/tree/types.ts';
import { EXIT } from '../exit-codes.ts';
import { readInput, subCommandError, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { statusText } from '../../core/syncml/status-codes.ts';
import { openDevice, withStateErrors } from '../headless-device.ts';

/** One stderr line for a tree status that is not 200, with its meaning from the status-code table. */
export function statusLine(result: { status: number; reason?: string }): string {
  const text = statusText(result.status);
  return `error status-${result.status}: ${result.status} ${text}${result.reason ? `: ${result.reason}` : ''}\n`;
}

function principalOf(serverId: string | undefined): Principal {
  return serverId === undefined ? DEVICE : server(serverId);
}

function printResult(io: CliIo, result: TreeResult): void {
  if (result.items) {
    for (const item of result.items)
      io.out(
        `${[item.uri, item.format, item.type, ...(item.value === undefined ? [] : [item.value])].join('\t')}\n`,
      );
  } else if (result.children) {
    for (const child of result.children) io.out(`${child}\n`);
  } else io.out(`${result.value ?? ''}\n`);
}

const usage = [
  'Usage: ota-handset tree get <uri> --state FILE [--server ID]',
  '       ota-handset tree export --state FILE [--format tnds|json] [--uri URI] [--server ID]',
  '       ota-handset tree import <file|-> --state FILE [--at URI] [--server ID]',
  '',
  '  get      prints a leaf value, an interior node’s children (one per line), a property',
  '           (<uri>?prop=ACL) or a listing (<uri>?list=Struct|StructData|TNDS); exit 1 with the',
  '           DM status when it is not 200',
  '  export   the tree (or the subtree at --uri) as TNDS XML (default) or JSON node records',
  '  import   adds the TNDS document in <file> below --at (default: the root), all or nothing',
  '',
  '  --state FILE  the headless device (JSON); import creates it when missing',
  '  --server ID   act as the DM server with this ServerID (ACLs apply); default: the device itself',
  '',
  'Secrets (AAuthSecret, AAuthData, passwords) are never printed.',
].join('\n');

export const treeVerb: Verb = {
  name: 'tree',
  summary: 'read, export and import the DM management tree of a headless device',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        state: { type: 'string' },
        server: { type: 'string' },
        format: { type: 'string' },
        uri: { type: 'string' },
        at: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [sub, operand, ...extra] = positionals;
    if (values.state === undefined) throw new UsageError('--state FILE is required');
    const statePath = values.state;
    const principal = principalOf(values.server);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    return withStateErrors(io, async () => {
      switch (sub) {
        case 'get': {
          if (operand === undefined) throw new UsageError('tree get needs a URI');
          const { tree } = await openDevice(statePath, false);
          const result = tree.get(principal, operand);
          if (result.status !== 200) {
            io.err(statusLine(result));
            return EXIT.failed;
          }
          printResult(io, result);
          return EXIT.ok;
        }
        case 'export': {
          if (operand !== undefined) throw new UsageError(`unexpected argument ${operand}`);
          const format = values.format ?? 'tnds';
          if (format !== 'tnds' && format !== 'json') throw new UsageError('--format is tnds or json');
          const { tree } = await openDevice(statePath, false);
          const uri = values.uri ?? '.';
          if (format === 'tnds') {
            const result = tree.exportTnds(principal, uri);
            if (result.status !== 200) {
              io.err(statusLine(result));
              return EXIT.failed;
            }
            io.out(`${result.value ?? ''}\n`);
            return EXIT.ok;
          }
          const exported = exportTreeJson(tree, principal, uri);
          if (!('text' in exported)) {
            io.err(statusLine(exported));
            return EXIT.failed;
          }
          io.out(exported.text);
          return EXIT.ok;
        }
        case 'import': {
          if (operand === undefined) throw new UsageError('tree import needs a TNDS file (or - for stdin)');
          const xml = new TextDecoder('utf-8', { fatal: false }).decode(await readInput(operand, io));
          const device = await openDevice(statePath, true);
          const result = await device.tree.add(principal, values.at ?? '.', { type: TNDS_MIME, value: xml });
          if (result.status !== 200) {
            io.err(statusLine(result));
            return EXIT.failed;
          }
          await device.save();
          return EXIT.ok;
        }
        default:
          throw subCommandError(sub, 'get, export or import');
      }
    });
  },
};
