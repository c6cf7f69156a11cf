import { EXIT } from './exit-codes.ts';
import { processIo, UsageError, type CliIo } from './io.ts';
import type { Verb } from './verb.ts';
import { serveVerb } from './verbs/serve.ts';
import { serverVerb } from './verbs/server.ts';
import { deviceVerb } from './verbs/device.ts';
import { treeVerb } from './verbs/tree.ts';
import { wbxmlVerb } from './verbs/wbxml.ts';
import { cpVerb } from './verbs/cp.ts';
import { sessionVerb } from './verbs/session.ts';
import { notificationVerb } from './verbs/notification.ts';
import { flowVerb } from './verbs/flow.ts';
import { fleetVerb } from './verbs/fleet.ts';
import { bundleVerb } from './verbs/bundle.ts';

/** Every verb, in the order `--help` lists them. Each capability adds its own. */
const verbs: Verb[] = [
  serveVerb,
  deviceVerb,
  treeVerb,
  wbxmlVerb,
  cpVerb,
  sessionVerb,
  notificationVerb,
  flowVerb,
  fleetVerb,
  bundleVerb,
  serverVerb,
];

function helpText(): string {
  const width = Math.max(...verbs.map((v) => v.name.length));
  return [
    'ota-handset: an MMS / Push-to-talk handset provisioned over the air (OMA CP) and managed by OMA DM 1.2.',
    '',
    'Usage: ota-handset <verb> [options]      ota-handset <verb> --help for details',
    '',
    'Verbs:',
    ...verbs.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    '',
    'Exit codes:',
    '  0  success',
    '  1  the operation failed (for example a DM session that did not complete)',
    '  2  bad input or usage (malformed file, unknown option)',
    '  3  a security check failed (MAC mismatch, PIN missing or wrong)',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.out('ota-handset 0.1.0\n');
    return EXIT.ok;
  }
  const verb = verbs.find((v) => v.name === name);
  if (!verb) {
    io.err(`error usage: unknown verb "${name}"; run ota-handset --help\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(verb.usage.endsWith('\n') ? verb.usage : `${verb.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await verb.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      // node:util parseArgs reports unknown options as TypeErrors with a code.
      io.err(`error usage: ${(error as Error).message}\n${verb.usage}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}
