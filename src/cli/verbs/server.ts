import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatScenarioIssues, type Scenario } from '../../core/dm-server/scenario.ts';
import { StateFileError } from '../../adapters/state-file-error.ts';
import { DeviceStore } from '../../server/device-store.ts';
import {
  DEFAULT_ALLOWED_ORIGINS,
  DEFAULT_DM_PORT,
  DmServer,
  SHIPPED_SCENARIO_DIR,
  loadScenarioFile,
  loadScenarios,
} from '../../server/dm-server.ts';
import { listen } from '../../server/listen.ts';
import { parsePort } from '../args.ts';
import { EXIT } from '../exit-codes.ts';
import { UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';

export const DEFAULT_STATE_FILE = 'ota-dm-server-state.json';

export interface DmServerStart {
  port: number;
  host: string;
  stateFile: string | undefined;
  scenario?: string;
  scenarioDir?: string;
  token?: string;
  demoMode: boolean;
  /** Extra CORS origins (the app's). */
  origins?: string[];
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Loads the scenarios, opens the state file, starts the DM server and prints its URLs.
 * Returns undefined (after printing why) when it cannot start.
 */
export async function startDmServer(options: DmServerStart, io: CliIo): Promise<DmServer | undefined> {
  const shipped = await loadScenarios(SHIPPED_SCENARIO_DIR);
  const scenarios = new Map<string, Scenario>(shipped.scenarios);
  const problems = [...shipped.problems];
  if (options.scenarioDir !== undefined) {
    const extra = await loadScenarios(resolve(options.scenarioDir));
    for (const [name, s] of extra.scenarios) scenarios.set(name, s);
    problems.push(...extra.problems);
  }
  if (problems.length > 0) {
    io.err(`error bad-scenario: these scenario files were not loaded:\n${problems.join('\n')}\n`);
    return undefined;
  }
  if (options.scenario !== undefined && !scenarios.has(options.scenario)) {
    io.err(
      `error usage: no scenario "${options.scenario}"; available: ${[...scenarios.keys()].join(', ')}\n`,
    );
    return undefined;
  }
  let store: DeviceStore;
  try {
    store = await DeviceStore.open(options.stateFile === undefined ? undefined : resolve(options.stateFile));
  } catch (error) {
    if (error instanceof StateFileError) {
      io.err(`error bad-state-file: ${error.message}\n`);
      return undefined;
    }
    throw error;
  }
  let token = options.token;
  if (!isLoopback(options.host) && token === undefined) token = randomBytes(12).toString('hex');
  const server = new DmServer({
    store,
    scenarios,
    ...(options.scenario !== undefined ? { defaultScenario: options.scenario } : {}),
    ...(token !== undefined ? { accessToken: token } : {}),
    demoMode: options.demoMode,
    allowedOrigins: [...DEFAULT_ALLOWED_ORIGINS, ...(options.origins ?? [])],
    log: (line) => io.err(`dm-server: ${line}\n`),
  });
  let port: number;
  try {
    port = await listen(server.server, options.port, options.host, 'DM server');
  } catch (error) {
    await server.close();
    io.err(`error port-in-use: ${(error as Error).message}\n`);
    return undefined;
  }
  const base = `http://${urlHost(options.host)}:${port}`;
  const q = token !== undefined ? `?token=${token}` : '';
  const lines = [
    ...server.authorities.map((a) => `DM server (${a.name}, ServerID ${a.serverId}): ${base}${a.path}`),
    `operator console: ${base}/console${q}`,
    `push channel:     ${base}/push/events?device=<DevId>${token !== undefined ? `&token=${token}` : ''}`,
  ];
  if (token !== undefined)
    lines.push(`access token:     ${token} (needed for the console, the push channel and the API)`);
  lines.push(
    `state file:       ${store.path ?? '(in memory, not kept)'}`,
    `scenarios:        ${[...scenarios.keys()].join(', ')}${options.scenario !== undefined ? ` (default: ${options.scenario})` : ''}`,
  );
  io.out(`${lines.join('\n')}\n`);
  return server;
}

export const serverVerb: Verb = {
  name: 'server',
  summary: 'run the reference OMA DM 1.2 server with its push channel and operator console',
  usage: [
    'Usage: ota-handset server [--port N] [--host H] [--scenario NAME] [--state FILE] [--scenarios DIR]',
    '       ota-handset server --validate FILE.json...',
    '',
    '  --port N          port (default: $OTA_DM_PORT or 4180; 0 picks a free port)',
    '  --host H          address to listen on (default: 127.0.0.1). Any other address needs the',
    '                    access token for the console, push channel and API (printed at start)',
    '  --token T         access token to use instead of a random one (or $OTA_DM_TOKEN)',
    '  --scenario NAME   run this scenario at every session of a device that has none queued',
    `  --state FILE      JSON state file (default: ${DEFAULT_STATE_FILE}); --state - keeps state in memory`,
    '  --scenarios DIR   also load the *.json scenario files of DIR (docs/scenarios.md)',
    '  --no-demo         refuse unknown devices instead of registering them with the demo secrets',
    '  --validate        check scenario files and exit (0 when all are valid, 2 otherwise)',
  ].join('\n'),
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        scenario: { type: 'string' },
        state: { type: 'string' },
        scenarios: { type: 'string' },
        'no-demo': { type: 'boolean' },
        validate: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    if (values.validate) {
      if (positionals.length === 0) throw new UsageError('--validate needs one or more scenario files');
      let bad = 0;
      for (const file of positionals) {
        const result = await loadScenarioFile(file);
        if (result.ok)
          io.out(
            `${file}: valid scenario "${result.scenario.name}" (${result.scenario.sessions.length} session(s))\n`,
          );
        else {
          bad++;
          io.err(`${formatScenarioIssues(file, result.errors)}\n`);
        }
      }
      return bad === 0 ? EXIT.ok : EXIT.usage;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0] ?? ''}"`);
    const state = values.state ?? process.env.OTA_DM_STATE ?? DEFAULT_STATE_FILE;
    const start: DmServerStart = {
      port: parsePort(values.port ?? process.env.OTA_DM_PORT, DEFAULT_DM_PORT, '--port'),
      host: values.host ?? '127.0.0.1',
      stateFile: state === '-' ? undefined : state,
      demoMode: values['no-demo'] !== true,
    };
    const token = values.token ?? process.env.OTA_DM_TOKEN;
    if (token !== undefined && token !== '') start.token = token;
    if (values.scenario !== undefined) start.scenario = values.scenario;
    if (values.scenarios !== undefined) start.scenarioDir = values.scenarios;
    const server = await startDmServer(start, io);
    if (!server) return EXIT.failed;
    await new Promise<void>((done) => {
      const stop = () => void server.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.ok;
  },
};
