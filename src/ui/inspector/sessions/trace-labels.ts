/**
 * Words, file names and filters for the Sessions tab: pure functions so the wording is
 * tested once and the components only render.
 */
import type { SessionOutcome, SessionTrace, TraceCommand } from '../../../core/dm/trace.ts';
import type { UiMode } from '../../../core/dm/package0.ts';

export type Tone = 'ok' | 'bad' | 'warn' | 'neutral';

/** The outcome as a word, a symbol and a tone; the word and symbol carry it without colour. */
export function outcomeLabel(outcome: SessionOutcome | undefined): {
  word: string;
  symbol: string;
  tone: Tone;
} {
  switch (outcome) {
    case 'completed':
      return { word: 'Completed', symbol: '✓', tone: 'ok' };
    case 'failed':
      return { word: 'Failed', symbol: '✕', tone: 'bad' };
    case 'aborted-by-server':
      return { word: 'Aborted by the server', symbol: '■', tone: 'warn' };
    case 'aborted-by-client':
      return { word: 'Aborted by the handset', symbol: '■', tone: 'warn' };
    default:
      return { word: 'Not finished', symbol: '…', tone: 'neutral' };
  }
}

export function initiatorText(initiator: 'client' | 'server'): string {
  return initiator === 'client' ? 'the handset' : 'the server (notification)';
}

export function statusTone(code: number): Tone {
  if (code >= 200 && code <= 299) return 'ok';
  if (code >= 400) return 'bad';
  return 'warn';
}

/** `850 ms`, `2.35 s`, `3 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** `1.2 KiB` style sizes, bytes exact below 1 KiB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function stamp(ms: number): string {
  // UTC, so the same trace always gets the same name whatever the tester's time zone.
  return new Date(ms).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'server';
}

/** `dm-trace-operator.example-20251121-104200.json` (decision 0142). */
export function traceFileName(trace: Pick<SessionTrace, 'serverId' | 'started'>): string {
  return `dm-trace-${safe(trace.serverId)}-${stamp(trace.started)}.json`;
}

export function allTracesFileName(now: number): string {
  return `dm-traces-${stamp(now)}.json`;
}

/** Package 0 version 11 is written "1.1". */
export function package0VersionText(version: number): string {
  return `${Math.floor(version / 10)}.${version % 10} (${version})`;
}

export const UI_MODE_TEXT: Record<UiMode, string> = {
  'not-specified': 'Not specified: the handset decides (it connects in the background)',
  background: 'Background: connect without telling the user',
  informative: 'Informative: tell the user, then connect',
  'user-interaction': 'User interaction: ask the user before connecting',
};

export type CommandFilter = 'all' | 'server' | 'client' | 'problems';

/** A command "has a problem" when one of its statuses is not 2xx or it never got one. */
function commandHasProblem(cmd: TraceCommand): boolean {
  if (cmd.statuses.length === 0) return cmd.from === 'server';
  return cmd.statuses.some((s) => s.code < 200 || s.code > 299);
}

export function filterCommands(
  commands: TraceCommand[],
  filter: CommandFilter,
  query: string,
): TraceCommand[] {
  const q = query.trim().toLowerCase();
  return commands.filter((cmd) => {
    if (filter === 'server' && cmd.from !== 'server') return false;
    if (filter === 'client' && cmd.from !== 'client') return false;
    if (filter === 'problems' && !commandHasProblem(cmd)) return false;
    if (q === '') return true;
    const hay = [
      cmd.kind,
      cmd.CmdID,
      cmd.alertText ?? '',
      String(cmd.alert ?? ''),
      cmd.summary ?? '',
      ...cmd.targets,
      ...cmd.sources,
      ...cmd.statuses.flatMap((s) => [String(s.code), s.text, s.reason ?? '']),
    ];
    return hay.some((h) => h.toLowerCase().includes(q));
  });
}

/** The server's or handset's role for a message row: "Handset → server". */
export function directionText(direction: 'out' | 'in'): string {
  return direction === 'out' ? 'Handset → server' : 'Server → handset';
}
