import { statusMeaning } from '../core/syncml/status-codes.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import { LOCAL_USER, type InstanceInfo, type TreeOp, type TreeResult } from '../core/tree/types.ts';
import { mmsSummary, pocSummary, type ConfigSummary } from './app-summary.ts';
import { Listeners } from './listeners.ts';
import {
  SERVICES,
  choiceBlocked,
  displayName,
  formProblems,
  instanceDetail,
  instanceFields,
  lockSentence,
  newInstanceName,
  refOptions,
  saveOps,
  serverNames,
  type FormField,
  type RefOption,
  type ServiceId,
} from './settings-model.ts';

const NO_NAMES: ReadonlyMap<string, string> = new Map<string, string>();

/** One instance as a settings list shows it. */
export interface InstanceView {
  info: InstanceInfo;
  service: ServiceId;
  name: string;
  /** "Locked by Example Operator on 21 Nov, 10:42 (session 3)", or null. */
  lockText: string | null;
  /** Its main address, for the list's second line. */
  detail: string;
  /** Why the user cannot make it Active / Default, or null. */
  activeBlocked: string | null;
  defaultBlocked: string | null;
}

/** A change the user made in Settings, told to listeners (the flow recorder): each op with its status. */
export interface UserChangeEvent {
  ops: TreeOp[];
  statuses: number[];
  reason?: string;
}

export type SaveResult =
  { ok: true; uri: string } | { ok: false; message: string; problems: Record<string, string> };

/** Something the tree refused, in the user's words (the status code explained, not bare). */
function refusal(status: number, reason: string | undefined, lockText: string | null): string {
  if (status === 405 && lockText) return `${lockText}. The operator does not allow changes to it.`;
  if (status === 405 && reason?.includes('Locked'))
    return 'The operator locked this choice; it cannot be changed here.';
  return `The phone refused the change: ${statusMeaning(status)}${reason ? ` (${reason})` : ''}`;
}

/**
 * The settings screens and the service apps over the management tree. Reads are reactive:
 * `version` is bumped by the tree's listener (user saves and server sessions alike), so every
 * derived view re-reads the tree at once. Writes go to the tree as LOCAL_USER, one batch per save.
 */
export class SettingsState {
  version = $state(0);
  readonly #device: { tree: ManagementTree | null };
  readonly #listeners = new Listeners<(event: UserChangeEvent) => void>();

  constructor(device: { tree: ManagementTree | null }) {
    this.#device = device;
  }

  /** Hears the user's changes; returns the unsubscribe function. */
  listen(listener: (event: UserChangeEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  #told(ops: TreeOp[], statuses: number[], reason?: string): void {
    const event: UserChangeEvent = { ops, statuses, ...(reason !== undefined ? { reason } : {}) };
    this.#listeners.each((l) => l(event));
  }

  /** One change as the local user, outside the forms (a scripted flow's user-change step). */
  async userChange(op: TreeOp): Promise<TreeResult> {
    const tree = this.#device.tree;
    if (!tree) return { status: 500, reason: 'The phone is still starting.' };
    const origin = 'the user, in Settings';
    const result =
      op.op === 'delete'
        ? await tree.delete(LOCAL_USER, op.uri, { origin })
        : op.op === 'copy'
          ? await tree.copy(LOCAL_USER, op.uri, op.source, { origin })
          : await tree[op.op](LOCAL_USER, op.uri, op.value === undefined ? {} : { value: op.value }, {
              origin,
            });
    this.#told([op], [result.status], result.reason);
    return result;
  }

  /** Subscribes to the current tree; call from an effect (it re-runs when the tree is opened). */
  watch(): () => void {
    const tree = this.#device.tree;
    if (!tree) return () => {};
    return tree.subscribe(() => this.version++);
  }

  get tree(): ManagementTree | null {
    void this.version;
    return this.#device.tree;
  }

  serverNames = $derived.by((): ReadonlyMap<string, string> =>
    this.tree ? serverNames(this.tree) : NO_NAMES,
  );
  mms = $derived.by((): ConfigSummary => mmsSummary(this.tree));
  poc = $derived.by((): ConfigSummary => pocSummary(this.tree));

  /** The instances of a service with their flags and lock lines. */
  instances(service: ServiceId): InstanceView[] {
    const tree = this.tree;
    if (!tree) return [];
    const def = SERVICES[service];
    const names = this.serverNames;
    const nameOf = (uri: string) => displayName(tree, uri);
    const infos: InstanceInfo[] = def.flags
      ? tree.instances(def.collection)
      : (tree.get(LOCAL_USER, def.collection).children ?? []).map((name) => ({
          name,
          uri: `${def.collection}/${name}`,
          active: false,
          default: false,
          locked: null,
        }));
    return infos.map((info) => ({
      info,
      service,
      name: nameOf(info.uri),
      detail: instanceDetail(tree, service, info.uri),
      lockText: info.locked ? lockSentence(info.locked, names) : null,
      activeBlocked: def.flags ? choiceBlocked(infos, info, 'active', names, nameOf) : null,
      defaultBlocked: def.flags ? choiceBlocked(infos, info, 'default', names, nameOf) : null,
    }));
  }

  instance(service: ServiceId, uri: string): InstanceView | undefined {
    return this.instances(service).find((i) => i.info.uri === uri);
  }

  fields(service: ServiceId, uri: string | null): FormField[] {
    return instanceFields(this.tree, service, uri);
  }

  refOptions(kind: 'ref-nap' | 'ref-px'): RefOption[] {
    return refOptions(this.tree, kind);
  }

  /** Makes `uri` the Active or Default instance; returns why not, or null. */
  async choose(service: ServiceId, uri: string, flag: 'active' | 'default'): Promise<string | null> {
    const tree = this.#device.tree;
    if (!tree) return 'The phone is still starting.';
    const view = this.instance(service, uri);
    const blocked = flag === 'active' ? view?.activeBlocked : view?.defaultBlocked;
    if (blocked) return blocked;
    const prop = flag === 'active' ? 'Active' : 'Default';
    const op: TreeOp = { op: 'replace', uri: `${uri}?prop=${prop}`, value: 'true' };
    const result = await tree.replace(LOCAL_USER, op.uri, { value: 'true' });
    this.#told([op], [result.status], result.reason);
    return result.status === 200 ? null : refusal(result.status, result.reason, view?.lockText ?? null);
  }

  /**
   * Validates and saves a form in one batch. `uri` null adds a new instance named after its Name.
   * Nothing is written when a field is wrong or the tree refuses any part of it.
   */
  async save(service: ServiceId, uri: string | null, values: Record<string, string>): Promise<SaveResult> {
    const tree = this.#device.tree;
    if (!tree) return { ok: false, message: 'The phone is still starting.', problems: {} };
    const fields = instanceFields(tree, service, uri);
    const problems = formProblems(fields, values);
    if (Object.keys(problems).length > 0)
      return { ok: false, message: 'Nothing was saved: correct the fields marked below.', problems };
    const def = SERVICES[service];
    let target = uri;
    if (target === null) {
      const taken = tree.get(LOCAL_USER, def.collection).children ?? [];
      target = `${def.collection}/${newInstanceName(values['Name'] ?? values['NapId'] ?? values['ProxyId'] ?? '', taken)}`;
    }
    const ops: TreeOp[] = saveOps(target, fields, values, uri === null);
    if (ops.length === 0) return { ok: true, uri: target };
    const result = await tree.batch(LOCAL_USER, ops);
    this.#told(ops, result.statuses, result.reason);
    if (result.status === 200) return { ok: true, uri: target };
    const status = result.statuses[result.failedIndex ?? 0] ?? 500;
    const failedUri = ops[result.failedIndex ?? 0]?.uri ?? '';
    const field = fields.find((f) => `${target}/${f.key}` === failedUri);
    const message = `Nothing was saved. ${refusal(status, result.reason, uri ? (this.instance(service, uri)?.lockText ?? null) : null)}`;
    return { ok: false, message, problems: field ? { [field.key]: statusMeaning(status) } : {} };
  }

  /** Deletes an instance; returns why not, or null. */
  async remove(service: ServiceId, uri: string): Promise<string | null> {
    const tree = this.#device.tree;
    if (!tree) return 'The phone is still starting.';
    const view = this.instance(service, uri);
    if (view?.lockText) return `${view.lockText}. Locked settings cannot be deleted.`;
    const result = await tree.delete(LOCAL_USER, uri);
    this.#told([{ op: 'delete', uri }], [result.status], result.reason);
    return result.status === 200 ? null : refusal(result.status, result.reason, view?.lockText ?? null);
  }
}
