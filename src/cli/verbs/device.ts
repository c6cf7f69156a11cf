import { parseArgs } from 'node:util';
import { identityProblems, type DeviceIdentity } from '../../core/device/identity.ts';
import { EXIT } from '../exit-codes.ts';
import { subCommandError, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { openDevice, withStateErrors } from '../headless-device.ts';

const usage = [
  'Usage: ota-handset device init --state FILE [--imei N] [--imsi N] [--model M] [--name N]',
  '                               [--manufacturer M] [--language L]',
  '       ota-handset device show --state FILE',
  '',
  '  init   creates the headless device (default identity) or updates its identity;',
  '         DevInfo (DevId, Man, Mod, Lang) and DevDetail/OEM follow the identity',
  '  show   prints the identity as JSON',
].join('\n');

const FIELDS = ['imei', 'imsi', 'model', 'name', 'manufacturer', 'language'] as const;

export const deviceVerb: Verb = {
  name: 'device',
  summary: 'create a headless device state file or change its identity',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        state: { type: 'string' },
        imei: { type: 'string' },
        imsi: { type: 'string' },
        model: { type: 'string' },
        name: { type: 'string' },
        manufacturer: { type: 'string' },
        language: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (values.state === undefined) throw new UsageError('--state FILE is required');
    const statePath = values.state;
    return withStateErrors(io, async () => {
      if (sub === 'show') {
        const device = await openDevice(statePath, false);
        io.out(`${JSON.stringify(device.state.identity, null, 2)}\n`);
        return EXIT.ok;
      }
      if (sub !== 'init') throw subCommandError(sub, 'init or show');
      const device = await openDevice(statePath, true);
      const identity: DeviceIdentity = { ...device.state.identity };
      for (const field of FIELDS) {
        const v = values[field];
        if (v !== undefined) identity[field] = v;
      }
      const problems = Object.entries(identityProblems(identity));
      if (problems.length > 0) {
        for (const [field, message] of problems) io.err(`error identity-invalid: --${field}: ${message}\n`);
        return EXIT.usage;
      }
      const applied = await device.tree.applyIdentity(identity);
      if (applied.status !== 200) {
        io.err(`error failed: the tree refused the identity (${applied.reason ?? applied.status})\n`);
        return EXIT.failed;
      }
      device.state = { ...device.state, identity };
      await device.save();
      io.out(`${statePath}: ${identity.name}, IMEI ${identity.imei}, IMSI ${identity.imsi}\n`);
      return EXIT.ok;
    });
  },
};
