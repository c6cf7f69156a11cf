import { isOtaError } from '../core/errors.ts';
import {
  applyImport,
  previewImport,
  readTreeFile,
  type ImportPreview,
  type TreeFile,
} from '../core/tree/transfer.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import { DEVICE, LOCAL_USER, server, type Principal } from '../core/tree/types.ts';
import { count, sentence } from './wording.ts';

export interface ImportNote {
  ok: boolean;
  text: string;
}

/**
 * Importing a TNDS or JSON tree file in the inspector (decision 0120): read, preview, confirm.
 * By default the import acts as the local user, so Locked instances are refused like any edit in
 * Settings; a tester may instead act as one of the handset's DM servers, whose ACLs then apply.
 * It is applied as one batch, all or nothing.
 */
export class TreeImportState {
  /** The file being previewed; raw, since it is plain data handed back to the core. */
  pending = $state.raw<{ name: string; file: TreeFile; preview: ImportPreview } | null>(null);
  note = $state.raw<ImportNote | null>(null);
  busy = $state(false);
  /** Who the import acts as: '' = the phone's user; otherwise a DM server's ServerID. */
  actAs = $state('');
  readonly #tree: ManagementTree;

  constructor(tree: ManagementTree) {
    this.#tree = tree;
  }

  /** The ServerIDs of the handset's DM accounts, for "act as"; read again with each file chosen. */
  servers = $state.raw<string[]>([]);

  #readServers(): string[] {
    const accounts = this.#tree.get(DEVICE, './DMAcc').children ?? [];
    const ids = accounts.map((a) => this.#tree.record(`./DMAcc/${a}/ServerID`)?.value ?? '');
    return ids.filter((id, i) => id !== '' && ids.indexOf(id) === i);
  }

  get principal(): Principal {
    return this.actAs === '' ? LOCAL_USER : server(this.actAs);
  }

  /** Changes who the import acts as and previews the chosen file again. */
  setActAs(serverId: string): void {
    this.actAs = serverId;
    const pending = this.pending;
    if (pending)
      this.pending = { ...pending, preview: previewImport(this.#tree, this.principal, pending.file) };
  }

  /** Reads and previews a file; a malformed one leaves `pending` empty and says why. */
  choose(name: string, text: string): boolean {
    this.pending = null;
    this.servers = this.#readServers();
    // A server that is gone since the last import falls back to the phone's user.
    if (this.actAs !== '' && !this.servers.includes(this.actAs)) this.actAs = '';
    try {
      const file = readTreeFile(text, name);
      this.pending = { name, file, preview: previewImport(this.#tree, this.principal, file) };
      this.note = null;
      return true;
    } catch (error) {
      if (!isOtaError(error)) throw error;
      this.note = {
        ok: false,
        text: `Not imported (${error.code}): ${sentence(error.message)} Nothing was changed.`,
      };
      return false;
    }
  }

  /** A preview can be applied when it changes something and nothing in it is refused. */
  get canApply(): boolean {
    const p = this.pending?.preview;
    return p !== undefined && p.refused.length === 0 && p.ops.length > 0;
  }

  async confirm(): Promise<void> {
    const pending = this.pending;
    if (!pending || !this.canApply) return;
    this.busy = true;
    try {
      const result = await applyImport(this.#tree, this.principal, pending.preview);
      const { added, replaced } = pending.preview;
      this.note =
        result.status === 200
          ? {
              ok: true,
              text: `Imported ${pending.name}${this.actAs === '' ? '' : ` as DM server ${this.actAs}`}: ${count(added, 'node')} added, ${count(replaced, 'node')} replaced.`,
            }
          : {
              ok: false,
              text: `Not imported (status ${result.statuses[result.failedIndex ?? 0] ?? result.status}): ${sentence(result.reason ?? 'the tree refused a change')} Nothing was changed.`,
            };
    } catch (error) {
      // A storage failure (TreeStoreError): the tree is unchanged.
      const code = isOtaError(error) ? error.code : 'error';
      this.note = {
        ok: false,
        text: `Not imported (${code}): ${sentence((error as Error).message)} Nothing was changed.`,
      };
    } finally {
      this.busy = false;
      this.pending = null;
    }
  }

  cancel(): void {
    if (this.pending)
      this.note = { ok: true, text: `Import of ${this.pending.name} cancelled; nothing was changed.` };
    this.pending = null;
  }
}
