/**
 * Tree files for the tester's inspector: the JSON export (node records, secrets left out) and an
 * import that MERGES a TNDS or JSON file into the tree (decision 0120). Reading a file and
 * planning the import are pure; the plan is checked and applied by ManagementTree (`check`,
 * `batch`), so the import obeys exactly the rules of any other write by the same principal.
 */
import { OtaError } from '../errors.ts';
import { canonicalAcl } from './acl.ts';
import { parseTnds, type TndsNode } from './tnds.ts';
import type { ManagementTree } from './tree.ts';
import type { BatchResult, NodeRecord, Principal, TreeOp } from './types.ts';
import { parentUri, parseUri } from './uri.ts';

export type TreeImportErrorCode = 'tree-import-malformed' | 'tree-import-unrecognised';

/** A file that cannot be imported at all; nothing was changed. */
export class TreeImportError extends OtaError {
  constructor(code: TreeImportErrorCode, message: string) {
    super(code, message);
  }
}

/** One node as an import file gives it. Fields left undefined are not imported (kept as they are). */
export interface ImportEntry {
  /** Canonical URI. */
  uri: string;
  interior: boolean;
  format?: string;
  type?: string;
  value?: string;
  acl?: string;
  title?: string;
  /** JSON only (TNDS has no such properties): the instance's Active / Default / Locked state. */
  flags?: { active: boolean; default: boolean; locked: boolean };
}

export interface TreeFile {
  kind: 'tnds' | 'json';
  /** Parents before children. */
  entries: ImportEntry[];
}

function malformed(name: string, reason: string): TreeImportError {
  return new TreeImportError('tree-import-malformed', `${name}: ${reason}`);
}

function canonical(uri: string, name: string): string {
  const parsed = parseUri(uri);
  if (!parsed.ok || parsed.query.kind !== 'none')
    throw malformed(name, parsed.ok ? `"${uri}" is not a node URI` : parsed.reason);
  return parsed.uri;
}

function tndsEntries(top: readonly TndsNode[], name: string): ImportEntry[] {
  const out: ImportEntry[] = [];
  const visit = (node: TndsNode, parent: string) => {
    const uri = canonical(parent === '.' ? `./${node.name}` : `${parent}/${node.name}`, name);
    // The same rule as a TNDS Add (decision 0024): no Format and no Value means an interior node.
    const interior = node.format === 'node' || (node.format === undefined && node.value === undefined);
    const entry: ImportEntry = { uri, interior };
    if (node.format !== undefined) entry.format = node.format;
    if (node.type !== undefined) entry.type = node.type;
    if (!interior && node.value !== undefined) entry.value = node.value;
    if (node.acl !== undefined) entry.acl = node.acl;
    if (node.title !== undefined) entry.title = node.title;
    out.push(entry);
    for (const child of node.children) visit(child, uri);
  };
  for (const node of top) {
    // The inspector imports at the root, so a relative <Path> is relative to `.`.
    const path = node.path ?? '.';
    visit(node, path === '.' || path.startsWith('./') ? canonical(path, name) : canonical(`./${path}`, name));
  }
  return out;
}

const optionalText = ['type', 'value', 'acl', 'title'] as const;

function jsonEntry(raw: unknown, index: number, name: string): ImportEntry {
  const where = `record ${index + 1}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw malformed(name, `${where} is not an object`);
  const r = raw as Record<string, unknown>;
  if (typeof r.uri !== 'string') throw malformed(name, `${where} has no "uri"`);
  if (typeof r.format !== 'string') throw malformed(name, `${where} (${r.uri}) has no "format"`);
  for (const key of optionalText)
    if (r[key] !== undefined && typeof r[key] !== 'string')
      throw malformed(name, `${where} (${r.uri}): "${key}" must be text`);
  const entry: ImportEntry = { uri: canonical(r.uri, name), interior: r.format === 'node', format: r.format };
  if (typeof r.type === 'string') entry.type = r.type;
  if (typeof r.value === 'string' && !entry.interior) entry.value = r.value;
  if (typeof r.acl === 'string') entry.acl = r.acl;
  if (typeof r.title === 'string') entry.title = r.title;
  const flags = r.flags;
  if (flags !== undefined && (typeof flags !== 'object' || flags === null))
    throw malformed(name, `${where} (${r.uri}): "flags" must be an object`);
  const f = (flags ?? {}) as Record<string, unknown>;
  entry.flags = { active: f.active === true, default: f.default === true, locked: f.locked != null };
  return entry;
}

function jsonEntries(text: string, name: string): ImportEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(name, `not valid JSON: ${(error as Error).message}`);
  }
  // The tree's JSON export is an array of node records; a device state document holds one in `nodes`.
  const nodes = Array.isArray(json) ? json : (json as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes))
    throw malformed(name, 'expected an array of node records (the JSON export) or a device state file');
  const entries = nodes.map((raw, i) => jsonEntry(raw, i, name));
  // Parents before children whatever the file's order; siblings keep theirs (stable sort).
  const depth = (uri: string) => (uri === '.' ? 0 : uri.split('/').length - 1);
  return entries
    .map((entry, i) => ({ entry, i, d: depth(entry.uri) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .map((x) => x.entry);
}

/**
 * Reads a tree file: TNDS XML (`<MgmtTree>`) or the JSON export. Throws TreeImportError with a
 * reason for anything else; `name` names the file in messages.
 */
export function readTreeFile(text: string, name = 'the file'): TreeFile {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  let file: TreeFile;
  if (body.startsWith('<')) {
    const top = parseTnds(body);
    if (typeof top === 'string') throw malformed(name, `bad TNDS: ${top}`);
    file = { kind: 'tnds', entries: tndsEntries(top, name) };
  } else if (body.startsWith('[') || body.startsWith('{')) {
    file = { kind: 'json', entries: jsonEntries(body, name) };
  } else {
    throw new TreeImportError(
      'tree-import-unrecognised',
      `${name} is neither TNDS XML nor the JSON export of a management tree`,
    );
  }
  if (file.entries.length === 0) throw malformed(name, 'the file holds no nodes');
  const seen = new Set<string>();
  for (const e of file.entries) {
    if (seen.has(e.uri)) throw malformed(name, `${e.uri} appears twice`);
    seen.add(e.uri);
  }
  return file;
}

/** What importing one node does. */
export interface ImportChange {
  uri: string;
  kind: 'add' | 'replace';
  /** What changes, in words: "new node", "value", "ACL", "Title", "Active" … */
  what: string[];
  ops: TreeOp[];
}

export interface ImportPlan {
  changes: ImportChange[];
  /** Entries that match the tree already. */
  unchanged: number;
}

/** The TNDS writer turns an empty leaf type into text/plain; both mean the same here. */
function sameLeafType(a: string, b: string): boolean {
  const norm = (t: string) => (t === '' ? 'text/plain' : t);
  return norm(a) === norm(b);
}

function leafChange(entry: ImportEntry, node: NodeRecord): { op: TreeOp; what: string[] } | undefined {
  const what: string[] = [];
  // A secret is never exported, so a file without its value keeps it.
  const value = entry.value ?? node.value ?? '';
  if (value !== (node.value ?? '')) what.push('value');
  const format = entry.format ?? node.format;
  if (format !== node.format) what.push('format');
  const type = entry.type === undefined || sameLeafType(entry.type, node.type) ? node.type : entry.type;
  if (type !== node.type) what.push('type');
  if (what.length === 0) return undefined;
  const op: TreeOp = { op: 'replace', uri: node.uri, value };
  if (format !== node.format) op.format = format as NonNullable<typeof op.format>;
  if (type !== node.type) op.type = type;
  return { op, what };
}

function propertyOps(entry: ImportEntry, node: NodeRecord | undefined, isInstance: boolean): ImportChange {
  const change: ImportChange = { uri: entry.uri, kind: node ? 'replace' : 'add', what: [], ops: [] };
  const prop = (name: string, value: string) => {
    change.what.push(name);
    change.ops.push({ op: 'replace', uri: `${entry.uri}?prop=${name}`, value });
  };
  if (node && entry.acl !== undefined && (canonicalAcl(entry.acl) ?? entry.acl) !== node.acl)
    prop('ACL', entry.acl);
  if (node && entry.title !== undefined && entry.title !== (node.title ?? '')) prop('Title', entry.title);
  if (isInstance && entry.flags) {
    const now = {
      active: node?.flags?.active === true,
      default: node?.flags?.default === true,
      locked: node?.flags?.locked !== undefined,
    };
    if (entry.flags.active !== now.active) prop('Active', String(entry.flags.active));
    if (entry.flags.default !== now.default) prop('Default', String(entry.flags.default));
    if (entry.flags.locked !== now.locked) prop('Locked', String(entry.flags.locked));
  }
  return change;
}

/** Compares a file with the tree: which nodes it adds and which it changes. Nodes not in the file are kept. */
export function planImport(tree: ManagementTree, file: TreeFile): ImportPlan {
  const collections = new Set(tree.instanceCollections());
  const changes: ImportChange[] = [];
  let unchanged = 0;
  for (const entry of file.entries) {
    const node = tree.record(entry.uri);
    const isInstance = collections.has(parentUri(entry.uri));
    const change = propertyOps(entry, node, isInstance);
    if (!node) {
      const add: Extract<TreeOp, { op: 'add' }> = { op: 'add', uri: entry.uri };
      add.format = (entry.interior ? 'node' : (entry.format ?? 'chr')) as NonNullable<typeof add.format>;
      if (entry.type !== undefined && entry.type !== '') add.type = entry.type;
      if (!entry.interior) add.value = entry.value ?? '';
      if (entry.acl !== undefined) add.acl = entry.acl;
      if (entry.title !== undefined) add.title = entry.title;
      change.what.unshift('new node');
      change.ops.unshift(add);
    } else if (node.format === 'node' || entry.interior) {
      // A leaf where the tree has an interior node (or the reverse) cannot be merged: the tree
      // refuses the Add with 418, which the preview shows.
      if ((node.format === 'node') !== entry.interior) {
        change.what.unshift(entry.interior ? 'leaf becomes interior' : 'interior becomes leaf');
        change.ops.unshift(
          entry.interior
            ? { op: 'add', uri: entry.uri, format: 'node' }
            : { op: 'replace', uri: entry.uri, value: entry.value ?? '' },
        );
      }
    } else {
      const leaf = leafChange(entry, node);
      if (leaf) {
        change.what.unshift(...leaf.what);
        change.ops.unshift(leaf.op);
      }
    }
    if (change.ops.length === 0) unchanged++;
    else changes.push(change);
  }
  return { changes, unchanged };
}

/** A node the import cannot change, with the tree's status and reason. */
export interface ImportRefusal {
  uri: string;
  kind: 'add' | 'replace';
  status: number;
  reason: string;
}

export interface ImportPreview {
  kind: TreeFile['kind'];
  added: number;
  replaced: number;
  unchanged: number;
  refused: ImportRefusal[];
  /** Every op of the plan, in order: applied as one batch when nothing is refused. */
  ops: TreeOp[];
  changes: ImportChange[];
}

/** Plans the import and dry-runs it as `principal`, so every refusal (Locked, ACL, format …) is known up front. */
export function previewImport(tree: ManagementTree, principal: Principal, file: TreeFile): ImportPreview {
  const plan = planImport(tree, file);
  const ops = plan.changes.flatMap((c) => c.ops);
  const outcomes = tree.check(principal, ops);
  const refused: ImportRefusal[] = [];
  let at = 0;
  for (const change of plan.changes) {
    const mine = outcomes.slice(at, at + change.ops.length);
    at += change.ops.length;
    const bad = mine.find((o) => o.status !== 200);
    if (bad)
      refused.push({
        uri: change.uri,
        kind: change.kind,
        status: bad.status,
        reason: bad.reason ?? `status ${bad.status}`,
      });
  }
  return {
    kind: file.kind,
    added: plan.changes.filter((c) => c.kind === 'add').length,
    replaced: plan.changes.filter((c) => c.kind === 'replace').length,
    unchanged: plan.unchanged,
    refused,
    ops,
    changes: plan.changes,
  };
}

/**
 * Applies a previewed import as ONE batch, all or nothing. The tree re-checks every op, so a
 * tree that changed since the preview gives a 507 result with the reason, and nothing is written.
 */
export function applyImport(
  tree: ManagementTree,
  principal: Principal,
  preview: ImportPreview,
): Promise<BatchResult> {
  return tree.batch(principal, preview.ops);
}

/**
 * The JSON export: the node records `principal` may Get below `uri`, in tree order, secrets'
 * values left out; the status and reason when the principal may not list `uri`.
 */
export function exportTreeJson(
  tree: ManagementTree,
  principal: Principal,
  uri = '.',
): { text: string } | { status: number; reason?: string } {
  const listed = tree.list(principal, uri, 'Struct');
  if (listed.status !== 200)
    return { status: listed.status, ...(listed.reason ? { reason: listed.reason } : {}) };
  const visible = new Set(listed.items?.map((i) => i.uri));
  const records = tree
    .snapshot()
    .filter((r) => visible.has(r.uri))
    .map((r) => {
      if (!r.secret) return r;
      const { value: _secret, ...rest } = r;
      return rest;
    });
  return { text: `${JSON.stringify(records, null, 1)}\n` };
}
