import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createFetchTransport } from '../../adapters/fetch-transport.ts';
import { defaultAnswer, type UserAnswer, type UserInteraction } from '../../core/dm/alerts.ts';
import {
  checkNotification,
  createSession,
  runSession,
  SessionSetupError,
  type DmEncoding,
  type ServerChange,
} from '../../core/dm/session.ts';
import { describeChange } from '../../core/dm/server-change.ts';
import { formatTrace } from '../../core/dm/trace.ts';
import { createExecRegistry } from '../../core/dm/exec-registry.ts';
import { createFactoryTree } from '../../core/tree/factory.ts';
import { FaultSpecError, parseFault, withTransportFaults, type Fault } from '../../core/dm/faults.ts';
import type { Prompter } from '../../core/ports.ts';
import { EXIT } from '../exit-codes.ts';
import { readInput, UsageError, type CliIo } from '../io.ts';
import type { Verb } from '../verb.ts';
import { bytesOrHex } from './notification.ts';
import { HEADLESS_USER_AGENT, openDevice, withStateErrors } from '../headless-device.ts';
import { systemClock as clock } from '../../adapters/system-clock.ts';
import { systemRandom as random } from '../../adapters/system-random.ts';

/** The --fault flags of `session` and `flow run`; a bad spec is a usage error. */
export function parseFaultFlags(specs: readonly string[]): Fault[] {
  try {
    return specs.map(parseFault);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(`--fault: ${error.message}`);
    throw error;
  }
}

const USAGE = [
  'Usage: ota-handset session --state F (--account SERVERID | --notification FILE) [options]',
  '',
  'Runs one OMA DM 1.2 session of the headless device in F with a DM server, prints the trace,',
  'and saves the device (every command the server completed is kept, even if the session fails).',
  '',
  '  --state F            the device state file (see `ota-handset device init`)',
  '  --account ID         the ServerID of the DMAcc account to connect to (client-initiated, Alert 1201)',
  '  --notification FILE  a package 0 (binary or hex, - for stdin): checks its digest, then runs the',
  '                       server-initiated session it asks for (Alert 1200)',
  "  --server URL         use this URL instead of the account's AppAddr",
  "  --encoding E         xml or wbxml (default: the account's Ext/OtaHandset/Encoding, else wbxml)",
  "  --answer CODE=VALUE  answer the server's UI alerts, in order per code; repeatable:",
  '                         1100=ok  1101=yes|no  1102=<text>  1103=<n>  1104=<n,n,...>',
  '                         any code =cancel or =timeout; connect=yes|no for a package 0 that asks the user.',
  '                       Unanswered alerts take their default response (DR), else time out (408).',
  '                       change=yes|no turns on "ask me before the operator changes my active or locked',
  '                         settings": the answers go to those questions in order, the last one for any',
  '                         further ones; a refused command is answered 215 and changes nothing.',
  '  --trace OUT          write the trace as JSON',
  '  --xml                print each message as XML in the trace',
  '  --timeout MS         HTTP timeout per message (default 30000)',
  '  --proxy PREFIX       POST through a proxy: PREFIX + encoded URL',
  '  --fault SPEC         misbehave on purpose to test a server (repeatable; docs/flows.md):',
  '                         status:<uri-pattern>[:<Command>]=<code>  drop-at:<n>[:before]  delay:<ms>[@<n>]',
  '',
  'Exit 0 when the session completed, 1 when it failed or was aborted, 2 on bad input, 3 when a',
  'package 0 digest does not match.',
].join('\n');

type Answers = Map<string, string[]>;

/** The words --answer takes for yes and for no (1101, connect, change). */
const YES = /^(yes|y|ok|1|true)$/i;
const NO = /^(no|n|0|false)$/i;

function yesNo(value: string): boolean | undefined {
  const v = value.trim();
  if (YES.test(v)) return true;
  if (NO.test(v)) return false;
  return undefined;
}

export function parseAnswers(list: readonly string[]): Answers {
  const out: Answers = new Map();
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new UsageError(`--answer takes CODE=VALUE, got "${a}"`);
    const code = a.slice(0, eq).trim();
    if (!/^(110[0-4]|connect|change)$/.test(code))
      throw new UsageError(`--answer: unknown alert "${code}" (1100-1104, connect or change)`);
    if (code === 'change' && yesNo(a.slice(eq + 1)) === undefined)
      throw new UsageError(`--answer change takes yes or no, got "${a.slice(eq + 1)}"`);
    const queue = out.get(code) ?? [];
    queue.push(a.slice(eq + 1));
    out.set(code, queue);
  }
  return out;
}

/** Turns one --answer value into the answer for `request`. */
export function answerFor(request: UserInteraction, value: string | undefined): UserAnswer {
  if (value === undefined) return defaultAnswer(request) ?? { kind: 'timeout' };
  const v = value.trim();
  if (v === 'cancel') return { kind: 'cancel' };
  if (v === 'timeout') return { kind: 'timeout' };
  switch (request.kind) {
    case 'display':
      return { kind: 'ok' };
    case 'confirm': {
      const yes = yesNo(v);
      if (yes === undefined) throw new UsageError(`--answer 1101 takes yes or no, got "${v}"`);
      return { kind: yes ? 'yes' : 'no' };
    }
    case 'text-input':
      return { kind: 'text', text: value };
    case 'single-choice':
    case 'multiple-choice': {
      const indices = v
        .split(/[,\s-]+/)
        .filter((s) => s !== '')
        .map(Number);
      if (indices.some((n) => !Number.isInteger(n)))
        throw new UsageError(`--answer ${request.alertCode} takes choice numbers, got "${v}"`);
      return { kind: 'choice', indices };
    }
  }
}

/** The "ask before operator changes" hook from --answer change=...: in order, the last one repeats. */
function scriptedChangeConfirm(
  answers: Answers,
  io: CliIo,
): ((change: ServerChange) => Promise<boolean>) | undefined {
  const queue = answers.get('change');
  if (!queue || queue.length === 0) return undefined;
  let last = queue[queue.length - 1]!;
  return async (change) => {
    const value = queue.shift() ?? last;
    last = value;
    const allowed = yesNo(value) === true;
    const name = change.instanceName !== undefined ? ` ("${change.instanceName}")` : '';
    io.err(
      `operator change (command ${change.cmdId}): ${describeChange(change)}${name} -> ${allowed ? 'yes' : 'no'}\n`,
    );
    return allowed;
  };
}

function scriptedPrompter(answers: Answers, io: CliIo): Prompter {
  return {
    ask: async (request) => {
      const queue = answers.get(String(request.alertCode));
      const value = queue?.shift();
      const answer = answerFor(request, value);
      const choices =
        request.choices.length > 0 ? ` [${request.choices.map((c, i) => `${i + 1}=${c}`).join(', ')}]` : '';
      io.err(
        `alert ${request.alertCode} (${request.kind}): ${request.text}${choices} -> ${answer.kind}${answer.kind === 'text' ? ` "${answer.text}"` : answer.kind === 'choice' ? ` ${answer.indices.join(',')}` : ''}\n`,
      );
      return answer;
    },
  };
}

export const sessionVerb: Verb = {
  name: 'session',
  summary: 'run a DM session of a headless device with a DM server and print its trace',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: {
        state: { type: 'string' },
        account: { type: 'string' },
        notification: { type: 'string' },
        server: { type: 'string' },
        encoding: { type: 'string' },
        answer: { type: 'string', multiple: true },
        trace: { type: 'string' },
        xml: { type: 'boolean' },
        timeout: { type: 'string' },
        proxy: { type: 'string' },
        fault: { type: 'string', multiple: true },
      },
      strict: true,
    });
    const statePath = values.state;
    if (statePath === undefined) throw new UsageError('--state is required');
    if (values.account === undefined && values.notification === undefined)
      throw new UsageError('give --account SERVERID or --notification FILE');
    const encoding = values.encoding;
    if (encoding !== undefined && encoding !== 'xml' && encoding !== 'wbxml')
      throw new UsageError('--encoding is xml or wbxml');
    const timeoutMs = values.timeout === undefined ? 30000 : Number(values.timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError('--timeout is a positive number of milliseconds');
    const answers = parseAnswers(values.answer ?? []);
    const faults = parseFaultFlags(values.fault ?? []);
    const notificationBytes =
      values.notification === undefined ? undefined : bytesOrHex(await readInput(values.notification, io));

    return withStateErrors(io, async () => {
      const device = await openDevice(statePath, false);
      const { tree } = device;
      let notification;
      let serverId = values.account;
      if (notificationBytes) {
        const check = checkNotification(tree, notificationBytes);
        if (!check.ok) {
          io.err(`error notification-${check.code}: ${check.reason}\n`);
          return check.code === 'digest-mismatch'
            ? EXIT.security
            : check.code === 'malformed'
              ? EXIT.usage
              : EXIT.failed;
        }
        if (serverId !== undefined && serverId !== check.account.serverId)
          throw new UsageError(
            `--account ${serverId} does not match the notification's server "${check.account.serverId}"`,
          );
        serverId = check.account.serverId;
        for (const w of check.warnings) io.err(`warning: ${w}\n`);
        if (check.consent === 'ask-user') {
          const v = answers.get('connect')?.shift() ?? 'yes';
          io.err(`the notification asks the user before connecting -> ${v}\n`);
          if (!YES.test(v)) {
            io.out(`The user declined the session requested by ${serverId}.\n`);
            return EXIT.failed;
          }
        } else if (check.consent === 'inform-then-connect') {
          io.err(`informing the user: ${serverId} starts a management session\n`);
        }
        notification = check;
      }
      const confirmServerChange = scriptedChangeConfirm(answers, io);
      let session;
      try {
        session = createSession({
          tree,
          serverId: serverId!,
          clock,
          random,
          prompter: scriptedPrompter(answers, io),
          exec: createExecRegistry({
            factoryReset: async () => {
              await tree.resetTo(createFactoryTree(device.state.identity, clock.now()));
            },
          }),
          ...(notification ? { notification } : {}),
          ...(confirmServerChange ? { confirmServerChange } : {}),
          ...(faults.some((f) => f.kind === 'status') ? { faults } : {}),
          ...(values.server !== undefined ? { serverUrl: values.server } : {}),
          ...(encoding !== undefined ? { encoding: encoding as DmEncoding } : {}),
        });
      } catch (error) {
        if (error instanceof SessionSetupError) {
          io.err(`error ${error.code}: ${error.message}\n`);
          return EXIT.failed;
        }
        throw error;
      }
      const http = createFetchTransport({
        timeoutMs,
        ...(values.proxy !== undefined ? { proxy: values.proxy } : {}),
        headers: { 'user-agent': HEADLESS_USER_AGENT },
      });
      const transport = faults.some((f) => f.kind !== 'status')
        ? withTransportFaults(http, faults, (ms) => new Promise((resolve) => setTimeout(resolve, ms)))
        : http;
      const trace = await runSession(session, transport);
      await device.save();
      io.out(formatTrace(trace, { withXml: values.xml === true }));
      if (values.trace !== undefined)
        await writeFile(values.trace, `${JSON.stringify(trace, null, 1)}\n`, 'utf8');
      return trace.outcome === 'completed' ? EXIT.ok : EXIT.failed;
    });
  },
};
