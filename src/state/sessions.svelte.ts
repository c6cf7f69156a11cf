import {
  MAX_TRACES,
  summarize,
  type TraceRecord,
  type TraceStore,
  type TraceSummary,
} from '../adapters/idb-trace-store.ts';
import { systemRandom } from '../adapters/system-random.ts';
import { toHex } from '../core/bytes/hex.ts';
import { parsePush } from '../core/cp/push.ts';
import { createExecRegistry } from '../core/dm/exec-registry.ts';
import type * as AccountModule from '../core/dm/account.ts';
import type * as SessionModule from '../core/dm/session.ts';
import type { DmEncoding, NotificationCheck, SessionPhase, SessionTrace } from '../core/dm/session.ts';
import type { DeviceIdentity } from '../core/device/identity.ts';
import type { ServerChange } from '../core/dm/server-change.ts';
import type { Clock, HttpTransport, Prompter, Random } from '../core/ports.ts';
import { createFactoryTree } from '../core/tree/factory.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import type { NewNotification } from './notifications.svelte.ts';
import type { DeviceActivity } from './device.svelte.ts';
import type { ActivityHolder, LocalConfirm } from './prompts.svelte.ts';
import { Listeners } from './listeners.ts';

export type { TraceSummary } from '../adapters/idb-trace-store.ts';
export type { NotificationCheck, SessionOutcome, SessionTrace } from '../core/dm/session.ts';

/** One DM account of the tree, as the phone and the inspector list it. */
export interface AccountSummary {
  serverId: string;
  name: string;
  serverUrl: string;
  encoding: DmEncoding;
  /** `./DMAcc/<x>` */
  uri: string;
}

export type NotificationDelivery =
  | { ok: true; action: 'connected' | 'asked-user' | 'declined-by-user'; traceId?: string }
  /** Bad bytes, unknown server, digest mismatch (codes of checkNotification), or `busy`. */
  | { ok: false; code: string; message: string };

/** What the sessions tell listeners (the flow recorder): a finished session, a package 0 handled. */
export type SessionsEvent =
  | { kind: 'finished'; trace: SessionTrace; traceId: string }
  | { kind: 'notification'; bytes: Uint8Array; delivery: NotificationDelivery };

/** The phone's line after a session ("Updated by Example Operator"). */
export interface SessionOutcomeLine {
  serverId: string;
  ok: boolean;
  text: string;
  traceId: string | null;
}

/** What the sessions need from the rest of the handset. */
export interface SessionsDeps {
  /** The tree, read reactively (SettingsState.tree) so `accounts` follows every change. */
  tree: () => ManagementTree | null;
  identity: () => DeviceIdentity | null;
  /** The status bar's activity; set through `prompts.showActivity` so open dialogs keep it right. */
  device: ActivityHolder;
  /** DM alerts go to `ask`; the package-0 question to `confirm`; operator changes to `askOperatorChange`. */
  prompts: Prompter & {
    confirm(request: LocalConfirm): Promise<boolean>;
    askOperatorChange(change: {
      serverName: string;
      instanceName: string;
      what: ServerChange['what'];
    }): Promise<boolean>;
    /** Sets the status bar's activity, kept for after the dialogs when one is open. */
    showActivity(next: DeviceActivity): void;
  };
  /** "Ask me before the operator changes my active or locked settings" (read when a session starts). */
  confirmOperatorChanges: () => boolean;
  notifications: { add(notification: NewNotification): number; readonly unread: number };
  /** The HTTP transport for this page (proxy or direct per target). */
  transport: () => HttpTransport;
  clock: Clock;
  random?: Random;
}

/** The DM engine, loaded with the trace store so it stays out of the first-screen bundle. */
interface Engine {
  session: typeof SessionModule;
  account: typeof AccountModule;
}

/**
 * DM sessions in the browser: runs client- and server-initiated sessions with the core engine
 * over fetch, shows the live trace (`running`), stores every finished trace (failed ones too)
 * and keeps the list of stored traces. One session at a time (decision 0092).
 */
export class SessionsState {
  running = $state.raw<SessionTrace | null>(null);
  summaries = $state.raw<TraceSummary[]>([]);
  lastError = $state<string | null>(null);
  /** The outcome of the last session, for the account screen. */
  lastOutcome = $state.raw<SessionOutcomeLine | null>(null);
  /** True from the moment a session is decided (consent included) until its trace is stored. */
  busy = $state(false);
  /** The ServerID of the session in progress (or being asked for). */
  busyWith = $state<string | null>(null);

  readonly #deps: SessionsDeps;
  readonly #random: Random;
  #store: TraceStore | null = null;
  #engine = $state.raw<Engine | null>(null);
  readonly #listeners = new Listeners<(event: SessionsEvent) => void>();
  /**
   * While true, accepted bootstraps do not start their first session by themselves: a running
   * flow says when to connect, as on the headless device (decision 0151).
   */
  holdAutoStart = false;

  constructor(deps: SessionsDeps) {
    this.#deps = deps;
    this.#random = deps.random ?? systemRandom;
  }

  accounts = $derived.by((): AccountSummary[] => {
    const tree = this.#deps.tree();
    const engine = this.#engine;
    if (!tree || !engine) return [];
    return engine.account.listAccounts(tree).map((a) => ({
      serverId: a.serverId,
      name: a.name || a.serverId,
      serverUrl: a.serverUrl,
      encoding: a.encoding,
      uri: a.uri,
    }));
  });

  /** Hears finished sessions and handled notifications; returns the unsubscribe function. */
  listen(listener: (event: SessionsEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  #emit(event: SessionsEvent): void {
    this.#listeners.each((l) => l(event));
  }

  /** Attaches the trace store once storage is open and reads the list. */
  async open(store: TraceStore): Promise<void> {
    const [session, account] = await Promise.all([
      import('../core/dm/session.ts'),
      import('../core/dm/account.ts'),
    ]);
    this.#engine = { session, account };
    this.#store = store;
    this.summaries = await store.list();
  }

  /** Runs a client-initiated session; resolves with the stored trace id (null when it could not start). */
  async connect(serverId: string): Promise<string | null> {
    if (this.busy) {
      this.lastError = `A session with ${this.#name(this.busyWith ?? '')} is already running; wait until it ends.`;
      return null;
    }
    this.#reserve(serverId);
    try {
      return await this.#run(serverId, undefined);
    } finally {
      this.#release();
    }
  }

  /**
   * After an accepted bootstrap that asks for it: the first client-initiated session to each new
   * account, one after the other. Returns the stored trace ids.
   */
  async startAfterProvisioning(serverIds: readonly string[]): Promise<(string | null)[]> {
    if (this.holdAutoStart) return [];
    const ids: (string | null)[] = [];
    for (const serverId of serverIds) ids.push(await this.connect(serverId));
    return ids;
  }

  /**
   * Reads and verifies a package 0 (bare, or inside a WSP push PDU) against the current tree;
   * changes nothing.
   */
  inspectNotification(bytes: Uint8Array): NotificationCheck {
    const tree = this.#deps.tree();
    const engine = this.#engine;
    if (!tree || !engine)
      return {
        ok: false,
        code: 'unknown-server',
        reason: 'The handset has no management tree yet (first run).',
      };
    const check = engine.session.checkNotification(tree, bytes);
    if (check.ok || check.code !== 'malformed') return check;
    // Pushed (and often pasted) as a WSP push PDU, the way an SMS carries it: unwrap, try again.
    let body: Uint8Array;
    try {
      body = parsePush(bytes).body;
    } catch {
      return check;
    }
    const inner = engine.session.checkNotification(tree, body);
    return inner.ok || inner.code !== 'malformed' ? inner : check;
  }

  /**
   * A package 0 arrives: verified, then handled as its UI mode says (decision 0056):
   * background connects, informative posts a notification and connects, user-interaction asks.
   */
  async receiveNotification(
    bytes: Uint8Array,
    source: 'pasted' | 'uploaded' | 'push',
  ): Promise<NotificationDelivery> {
    const delivery = await this.#deliver(bytes, source);
    this.#emit({ kind: 'notification', bytes, delivery });
    return delivery;
  }

  async #deliver(bytes: Uint8Array, source: 'pasted' | 'uploaded' | 'push'): Promise<NotificationDelivery> {
    const check = this.inspectNotification(bytes);
    if (!check.ok) return { ok: false, code: check.code, message: check.reason };
    const serverId = check.account.serverId;
    const name = check.account.name || serverId;
    if (this.busy) {
      return {
        ok: false,
        code: 'busy',
        message: `A session with ${this.#name(this.busyWith ?? '')} is running, so the ${source} notification from ${name} was not acted on; the server can send it again.`,
      };
    }
    this.#reserve(serverId);
    try {
      let action: 'connected' | 'asked-user' = 'connected';
      if (check.consent === 'ask-user') {
        const allowed = await this.#deps.prompts.confirm({
          title: 'Connect to server?',
          body: `${name} wants to connect to update your settings.`,
          confirmLabel: 'Allow',
          cancelLabel: 'Not now',
        });
        if (!allowed) return { ok: true, action: 'declined-by-user' };
        action = 'asked-user';
      } else if (check.consent === 'inform-then-connect') {
        this.#deps.notifications.add({
          kind: 'dm',
          title: name,
          body: `${name} is updating your settings.`,
        });
      }
      const traceId = await this.#run(serverId, check);
      return traceId === null
        ? { ok: false, code: 'not-started', message: this.lastError ?? '' }
        : { ok: true, action, traceId };
    } finally {
      this.#release();
    }
  }

  async load(id: string): Promise<SessionTrace | undefined> {
    return this.#store?.get(id);
  }

  async remove(id: string): Promise<void> {
    if (!this.#store) return;
    await this.#store.delete(id);
    this.summaries = this.summaries.filter((s) => s.id !== id);
  }

  async clear(): Promise<void> {
    if (!this.#store) return;
    await this.#store.clear();
    this.summaries = [];
  }

  #name(serverId: string): string {
    return this.accounts.find((a) => a.serverId === serverId)?.name ?? serverId;
  }

  #reserve(serverId: string): void {
    this.busy = true;
    this.busyWith = serverId;
    this.lastError = null;
  }

  #release(): void {
    this.busy = false;
    this.busyWith = null;
    this.running = null;
  }

  #setActivity(phase: SessionPhase): void {
    // PromptsState owns "waiting for you" while a dialog is open; what is set meanwhile shows after.
    if (phase === 'waiting-for-user' || phase === 'done') return;
    this.#deps.prompts.showActivity(phase === 'connecting' ? 'connecting' : 'in-session');
  }

  #settleActivity(): void {
    this.#deps.prompts.showActivity(this.#deps.notifications.unread > 0 ? 'notification-pending' : 'idle');
  }

  async #run(
    serverId: string,
    notification: Extract<NotificationCheck, { ok: true }> | undefined,
  ): Promise<string | null> {
    const tree = this.#deps.tree();
    const store = this.#store;
    const engine = this.#engine;
    if (!tree || !store || !engine) {
      this.lastError = 'The handset has no management tree yet: finish the first run.';
      return null;
    }
    const identity = this.#deps.identity();
    const { createSession, runSession, SessionSetupError } = engine.session;
    let session;
    try {
      session = createSession({
        tree,
        serverId,
        clock: this.#deps.clock,
        random: this.#random,
        prompter: this.#deps.prompts,
        exec: createExecRegistry({
          factoryReset: async () => {
            // Same reset as the inspector's: factory tree, identity kept.
            if (identity) await tree.resetTo(createFactoryTree(identity, this.#deps.clock.now()));
          },
        }),
        onPhase: (phase) => this.#setActivity(phase),
        ...(this.#deps.confirmOperatorChanges()
          ? {
              confirmServerChange: (change: ServerChange) =>
                this.#deps.prompts.askOperatorChange({
                  serverName: this.#name(change.serverId),
                  instanceName: change.instanceName ?? change.instanceUri,
                  what: change.what,
                }),
            }
          : {}),
        ...(notification ? { notification } : {}),
      });
    } catch (error) {
      if (error instanceof SessionSetupError) {
        this.lastError = error.message;
        return null;
      }
      throw error;
    }
    const serverName = this.#name(serverId);
    this.#setActivity('connecting');
    this.running = structuredClone(session.trace);
    let trace: SessionTrace;
    try {
      trace = await runSession(session, this.#deps.transport(), {
        onProgress: (s) => {
          this.running = structuredClone(s.trace);
        },
      });
    } finally {
      this.#settleActivity();
    }
    const id = `${trace.started}-${trace.SessionID}-${toHex(this.#random.bytes(3))}`;
    const record: TraceRecord = { ...structuredClone(trace), id, serverName };
    try {
      await store.put(record);
      this.summaries = [summarize(record), ...this.summaries.filter((s) => s.id !== id)].slice(0, MAX_TRACES);
    } catch (error) {
      this.lastError = `The session ran, but its trace could not be stored: ${(error as Error).message}`;
    }
    this.lastOutcome = outcomeLine(record);
    this.#emit({ kind: 'finished', trace: record, traceId: id });
    return id;
  }
}

/** "Updated by Example Operator" / "Could not reach the server: …". */
function outcomeLine(record: TraceRecord): SessionOutcomeLine {
  const base = { serverId: record.serverId, traceId: record.id };
  if (record.outcome === 'completed') return { ...base, ok: true, text: `Updated by ${record.serverName}` };
  if (record.error?.name === 'TransportError')
    return {
      ...base,
      ok: false,
      text: `Could not reach the server: ${record.reason ?? record.error.message}`,
    };
  return {
    ...base,
    ok: false,
    text: `The session with ${record.serverName} ended: ${record.reason ?? 'no reason given'}`,
  };
}
