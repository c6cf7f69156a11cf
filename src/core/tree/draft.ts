/**
 * The in-memory index of the tree (URI → record, URI → child URIs) and the copy-on-write
 * draft a batch works in. Records are never mutated in place: a change puts a new object,
 * so the committed index stays untouched until the store has accepted the batch.
 */
import type { NodeRecord } from './types.ts';

export interface TreeView {
  node(uri: string): NodeRecord | undefined;
  /** Child URIs in creation order. */
  kids(uri: string): readonly string[];
}

export class TreeIndex implements TreeView {
  readonly nodes = new Map<string, NodeRecord>();
  readonly children = new Map<string, string[]>();

  static build(records: readonly NodeRecord[]): TreeIndex {
    const index = new TreeIndex();
    const sorted = [...records].sort((a, b) => a.seq - b.seq);
    for (const r of sorted) index.nodes.set(r.uri, r);
    for (const r of sorted) {
      if (r.parent === '') continue;
      const list = index.children.get(r.parent);
      if (list) list.push(r.uri);
      else index.children.set(r.parent, [r.uri]);
    }
    return index;
  }

  node(uri: string): NodeRecord | undefined {
    return this.nodes.get(uri);
  }

  kids(uri: string): readonly string[] {
    return this.children.get(uri) ?? [];
  }

  maxSeq(): number {
    let max = -1;
    for (const r of this.nodes.values()) if (r.seq > max) max = r.seq;
    return max;
  }
}

export class Draft implements TreeView {
  readonly over = new Map<string, NodeRecord | null>();
  readonly overKids = new Map<string, string[]>();
  /** Child lists this draft already copied and may extend in place. */
  private readonly owned = new Set<string>();
  /** Undo steps since `mark()`, so a dry run can drop one refused op and go on (null: not recording). */
  private journal: (() => void)[] | null = null;

  constructor(
    readonly base: TreeIndex,
    public seq: number,
  ) {}

  node(uri: string): NodeRecord | undefined {
    if (this.over.has(uri)) return this.over.get(uri) ?? undefined;
    return this.base.nodes.get(uri);
  }

  kids(uri: string): readonly string[] {
    return this.overKids.get(uri) ?? this.base.children.get(uri) ?? [];
  }

  nextSeq(): number {
    return this.seq++;
  }

  /** Starts recording undo steps; `rollback()` returns the draft to this point. */
  mark(): void {
    this.journal = [];
  }

  /** Undoes every change since `mark()` (and keeps recording from here). */
  rollback(): void {
    const steps = this.journal ?? [];
    for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
    this.journal = this.journal ? [] : null;
  }

  private remember<K>(map: Map<K, unknown>, key: K): void {
    if (!this.journal) return;
    const had = map.has(key);
    const previous = map.get(key);
    this.journal.push(() => (had ? map.set(key, previous) : map.delete(key)));
  }

  /** Adds a new record or replaces an existing one. */
  put(record: NodeRecord): void {
    const existed = this.node(record.uri) !== undefined;
    this.setOver(record.uri, record);
    if (existed || record.parent === '') return;
    // Extend a list this draft already owns in place: adding n children stays O(n), not O(n²).
    // Not while recording undo steps, which keep the previous list by reference.
    const own = this.journal === null && this.owned.has(record.parent);
    if (own) this.overKids.get(record.parent)!.push(record.uri);
    else this.setKids(record.parent, [...this.kids(record.parent), record.uri]);
  }

  /** Sets a child list; the draft owns `kids` from now on. */
  setKids(uri: string, kids: string[]): void {
    this.remember(this.overKids, uri);
    this.overKids.set(uri, kids);
    this.owned.add(uri);
  }

  private setOver(uri: string, record: NodeRecord | null): void {
    this.remember(this.over, uri);
    this.over.set(uri, record);
  }

  /** Removes a node and everything below it. */
  removeSubtree(uri: string): void {
    const node = this.node(uri);
    if (!node) return;
    if (node.parent !== '')
      this.setKids(
        node.parent,
        this.kids(node.parent).filter((u) => u !== uri),
      );
    const drop = (u: string) => {
      for (const k of this.kids(u)) drop(k);
      this.setOver(u, null);
      if (this.kids(u).length > 0) this.setKids(u, []);
    };
    drop(uri);
  }

  /** Every URI in the draft's view, in no particular order. */
  *uris(): Iterable<string> {
    for (const uri of this.base.nodes.keys()) if (!this.over.has(uri)) yield uri;
    for (const [uri, r] of this.over) if (r) yield uri;
  }

  /** Records to put and URIs to remove, for the store. */
  changes(): { put: NodeRecord[]; remove: string[] } {
    const put: NodeRecord[] = [];
    const remove: string[] = [];
    for (const [uri, r] of this.over) {
      if (r) put.push(r);
      else if (this.base.nodes.has(uri)) remove.push(uri);
    }
    return { put, remove };
  }

  /** Applies the draft to the base index (after the store accepted it). */
  applyToBase(): void {
    for (const [uri, r] of this.over) {
      if (r) this.base.nodes.set(uri, r);
      else {
        this.base.nodes.delete(uri);
        this.base.children.delete(uri);
      }
    }
    for (const [uri, list] of this.overKids) {
      if (!this.base.nodes.has(uri)) continue;
      if (list.length === 0) this.base.children.delete(uri);
      else this.base.children.set(uri, list);
    }
  }
}
