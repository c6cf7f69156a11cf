/**
 * Fault injection for testing DM servers (decision 0128). A fault plan makes the handset
 * misbehave on purpose, in two places:
 *
 * - command statuses: `applyStatusFaults` runs inside the session (SessionOptions.faults) and
 *   answers chosen commands on chosen nodes with a chosen status, without touching the tree;
 * - the transport: `withTransportFaults` wraps an HttpTransport to drop the connection at a
 *   chosen message or delay replies. The wrapper takes a `sleep` function because the core
 *   owns no timers.
 *
 * Status faults apply to commands at the top of a server package and to the members of Atomic
 * and Sequence (the containers ask `statusFault` per member; decision 0160). Pure: no Node or
 * browser APIs.
 */
import { OtaError } from '../errors.ts';
import type { HttpTransport } from '../ports.ts';
import { TransportError } from '../ports.ts';
import { statusForItem } from '../syncml/build.ts';
import type { Command, Item } from '../syncml/message.ts';
import { isItemCommand } from '../syncml/message.ts';
import type { Reply } from './commands/types.ts';

export const FAULT_COMMANDS = ['Add', 'Replace', 'Delete', 'Copy', 'Get', 'Exec'] as const;
export type FaultCommand = (typeof FAULT_COMMANDS)[number];

export type Fault =
  /** Items whose target matches `target` (and command, when given) are answered `status`. */
  | { kind: 'status'; target: string; command?: FaultCommand; status: number }
  /**
   * The connection drops at outgoing message `message` (1-based): `after-send` (default) posts
   * it and loses the reply, so the server has processed it; `before-send` never sends it.
   */
  | { kind: 'drop'; message: number; when?: 'after-send' | 'before-send' }
  /** Each reply (or only the reply to message `message`) arrives `ms` later. */
  | { kind: 'delay'; ms: number; message?: number };

export type FaultPlan = readonly Fault[];

export class FaultSpecError extends OtaError {
  constructor(message: string, spec: string) {
    super('fault-spec-invalid', message, { spec });
  }
}

/**
 * Reads the CLI form of a fault:
 *   status:<uri-pattern>[:<Command>]=<code>   e.g. status:./MMS/*:Replace=500
 *   drop-at:<n>[:before]                      e.g. drop-at:3
 *   delay:<ms>[@<n>]                          e.g. delay:500, delay:2000@2
 */
export function parseFault(spec: string): Fault {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  const positive = (text: string, what: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < 1)
      throw new FaultSpecError(`${what} must be a whole number >= 1, got "${text}"`, spec);
    return n;
  };
  switch (kind) {
    case 'status': {
      const eq = rest.lastIndexOf('=');
      if (eq < 0) throw new FaultSpecError('a status fault is status:<uri-pattern>[:<Command>]=<code>', spec);
      const status = Number(rest.slice(eq + 1));
      if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new FaultSpecError(
          `the status must be a DM status code 100-599, got "${rest.slice(eq + 1)}"`,
          spec,
        );
      let target = rest.slice(0, eq);
      let command: FaultCommand | undefined;
      const last = target.lastIndexOf(':');
      if (last >= 0 && (FAULT_COMMANDS as readonly string[]).includes(target.slice(last + 1))) {
        command = target.slice(last + 1) as FaultCommand;
        target = target.slice(0, last);
      }
      if (target === '') throw new FaultSpecError('a status fault needs a URI pattern (use * for any)', spec);
      return command ? { kind: 'status', target, command, status } : { kind: 'status', target, status };
    }
    case 'drop-at': {
      const [n = '', when] = rest.split(':');
      if (when !== undefined && when !== 'before' && when !== 'after')
        throw new FaultSpecError('drop-at:<n> may end with :before or :after', spec);
      return {
        kind: 'drop',
        message: positive(n, 'the message number'),
        when: when === 'before' ? 'before-send' : 'after-send',
      };
    }
    case 'delay': {
      const [ms = '', at] = rest.split('@');
      const delay = Number(ms);
      if (!/^\d+$/.test(ms)) throw new FaultSpecError(`the delay is milliseconds, got "${ms}"`, spec);
      return at === undefined
        ? { kind: 'delay', ms: delay }
        : { kind: 'delay', ms: delay, message: positive(at, 'the message number') };
    }
    default:
      throw new FaultSpecError(`unknown fault "${kind}": use status:, drop-at: or delay:`, spec);
  }
}

/** A fault as the CLI writes it (the inverse of parseFault), for reports. */
export function formatFault(fault: Fault): string {
  switch (fault.kind) {
    case 'status':
      return `status:${fault.target}${fault.command ? `:${fault.command}` : ''}=${fault.status}`;
    case 'drop':
      return `drop-at:${fault.message}${fault.when === 'before-send' ? ':before' : ''}`;
    case 'delay':
      return `delay:${fault.ms}${fault.message !== undefined ? `@${fault.message}` : ''}`;
  }
}

/** `*` matches within one path segment, `**` across segments; everything else is literal. */
export function uriPatternMatches(pattern: string, uri: string): boolean {
  if (pattern === '*' || pattern === '**') return true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/?]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(uri);
}

function matchingFault(
  plan: FaultPlan,
  cmd: Command,
  item: Item,
): Extract<Fault, { kind: 'status' }> | undefined {
  const uri = item.Target?.LocURI ?? item.Source?.LocURI ?? '';
  for (const f of plan) {
    if (f.kind !== 'status') continue;
    if (f.command !== undefined && f.command !== cmd.kind) continue;
    if (uriPatternMatches(f.target, uri)) return f;
  }
  return undefined;
}

/**
 * The injected Status for one item of a command when a status fault of the plan matches it,
 * with the fault's code; undefined when none does (or the command has no items).
 */
export function statusFault(
  plan: FaultPlan,
  cmd: Command,
  item: Item,
  msgId: string,
): { reply: Reply; status: number } | undefined {
  if (!isItemCommand(cmd)) return undefined;
  const f = matchingFault(plan, cmd, item);
  if (!f) return undefined;
  return {
    status: f.status,
    reply: {
      cmd: statusForItem(cmd, item, f.status, { CmdID: '', MsgRef: msgId }),
      reason: `injected fault ${formatFault(f)}: not executed`,
    },
  };
}

/**
 * Splits a server command by the plan's status faults: the Statuses injected for the items a
 * fault matches, and the command with the remaining items (undefined when none remain).
 * Commands without items (Alert, Atomic, Sequence) pass through unchanged.
 */
export function applyStatusFaults(
  plan: FaultPlan,
  cmd: Command,
  msgId: string,
): { injected: Reply[]; rest: Command | undefined } {
  if (!isItemCommand(cmd)) return { injected: [], rest: cmd };
  const injected: Reply[] = [];
  const kept: Item[] = [];
  for (const item of cmd.Items) {
    const fault = statusFault(plan, cmd, item, msgId);
    if (fault) injected.push(fault.reply);
    else kept.push(item);
  }
  if (injected.length === 0) return { injected, rest: cmd };
  return { injected, rest: kept.length === 0 ? undefined : ({ ...cmd, Items: kept } as Command) };
}

/** True when the plan has faults the session itself applies. */
export function hasStatusFaults(plan: FaultPlan | undefined): boolean {
  return plan !== undefined && plan.some((f) => f.kind === 'status');
}

/**
 * Wraps a transport with the plan's drop and delay faults. Message numbers count POSTs
 * through this wrapper, from 1; use one wrapper per session.
 */
export function withTransportFaults(
  transport: HttpTransport,
  plan: FaultPlan,
  sleep: (ms: number) => Promise<void>,
): HttpTransport {
  let sent = 0;
  return {
    async post(url, body, headers) {
      const n = ++sent;
      const drop = plan.find((f) => f.kind === 'drop' && f.message === n);
      const dropError = () =>
        new TransportError('network', `the connection was dropped at message ${n} (injected fault)`, {
          url,
          cause: 'fault-injection',
        });
      if (drop && drop.kind === 'drop' && drop.when === 'before-send') throw dropError();
      const reply = await transport.post(url, body, headers);
      if (drop) throw dropError();
      const delay = plan
        .filter((f) => f.kind === 'delay' && (f.message === undefined || f.message === n))
        .reduce((ms, f) => ms + (f.kind === 'delay' ? f.ms : 0), 0);
      if (delay > 0) await sleep(delay);
      return reply;
    },
  };
}
