import { SvelteSet } from 'svelte/reactivity';
import type { ManagementTree } from '../core/tree/tree.ts';
import type { NodeRecord } from '../core/tree/types.ts';

/** One visible line of the tree view. */
export interface TreeRow {
  uri: string;
  name: string;
  depth: number;
  interior: boolean;
  expanded: boolean;
}

/** What the details pane shows about a node; secrets are never included. */
export interface NodeDetails {
  record: NodeRecord;
  /** The ACL in force: the node's own, or the nearest ancestor's. */
  effectiveAcl: string;
  aclFrom: string;
  valueShown: string | null;
}

function parentOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i <= 0 ? '' : uri.slice(0, i);
}

/**
 * The tester's view of the management tree: expansion, selection, path search and node details.
 * Rows are derived from one pre-order snapshot per tree change, so 10,000 nodes stay cheap.
 */
export class TreeInspectorState {
  /** Bumped on every committed change, so derived rows recompute. */
  version = $state(0);
  expanded = new SvelteSet<string>(['.']);
  selected = $state<string | null>(null);
  query = $state('');
  readonly #tree: ManagementTree;

  constructor(tree: ManagementTree) {
    this.#tree = tree;
  }

  /** Call once from a component effect; returns the unsubscribe function. */
  watch(): () => void {
    return this.#tree.subscribe(() => this.version++);
  }

  #snapshot = $derived.by(() => {
    void this.version;
    return this.#tree.snapshot();
  });

  rows = $derived.by((): TreeRow[] => {
    const records = this.#snapshot;
    const query = this.query.trim().toLowerCase();
    const out: TreeRow[] = [];
    if (query) {
      for (const r of records) {
        if (r.uri.toLowerCase().includes(query))
          out.push({ uri: r.uri, name: r.uri, depth: 0, interior: r.format === 'node', expanded: false });
      }
      return out;
    }
    // Pre-order walk that skips the subtrees of collapsed interior nodes.
    let skipPrefix: string | null = null;
    for (const r of records) {
      if (skipPrefix !== null && r.uri.startsWith(skipPrefix)) continue;
      skipPrefix = null;
      const interior = r.format === 'node';
      const expanded = interior && this.expanded.has(r.uri);
      const depth = r.uri === '.' ? 0 : r.uri.split('/').length - 1;
      out.push({ uri: r.uri, name: r.uri === '.' ? '.' : r.name, depth, interior, expanded });
      if (interior && !expanded) skipPrefix = `${r.uri}/`;
    }
    return out;
  });

  get size(): number {
    void this.version;
    return this.#tree.size;
  }

  toggle(uri: string): void {
    if (this.expanded.has(uri)) this.expanded.delete(uri);
    else this.expanded.add(uri);
  }

  expandAll(): void {
    for (const r of this.#snapshot) if (r.format === 'node') this.expanded.add(r.uri);
  }

  collapseAll(): void {
    this.expanded.clear();
    this.expanded.add('.');
  }

  /** Shows a node found by search in the tree: expands its ancestors and selects it. */
  reveal(uri: string): void {
    for (let p = parentOf(uri); p; p = parentOf(p)) this.expanded.add(p);
    this.query = '';
    this.selected = uri;
  }

  details = $derived.by((): NodeDetails | null => {
    void this.version;
    if (!this.selected) return null;
    const record = this.#tree.record(this.selected);
    if (!record) return null;
    let aclFrom = record.uri;
    let effectiveAcl = record.acl;
    for (let p = parentOf(record.uri); effectiveAcl === '' && p; p = parentOf(p)) {
      const ancestor = this.#tree.record(p);
      if (ancestor && ancestor.acl !== '') {
        effectiveAcl = ancestor.acl;
        aclFrom = p;
      }
    }
    const valueShown = record.format === 'node' ? null : record.secret ? null : (record.value ?? '');
    return { record, effectiveAcl, aclFrom, valueShown };
  });
}
