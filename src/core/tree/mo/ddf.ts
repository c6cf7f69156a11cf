/**
 * DDF-like descriptions of management objects, as data [TND 86; DDF elements in oma-dm.md §14].
 * A description gives, per node: name (`<x>` = a dynamic name chosen by whoever adds it),
 * DFFormat, Occurrence, AccessType, Scope, DFType, and whether its value is a secret.
 */
import type { NodeFormat } from '../types.ts';

export type AccessType = 'Add' | 'Copy' | 'Delete' | 'Exec' | 'Get' | 'Replace';
export type Occurrence = 'One' | 'ZeroOrOne' | 'ZeroOrMore' | 'OneOrMore' | 'ZeroOrN' | 'OneOrN';
export type Scope = 'permanent' | 'dynamic';

/** The placeholder for a dynamically named node. */
export const DYNAMIC = '<x>';

export interface DdfNode {
  name: string;
  format: NodeFormat;
  occurrence: Occurrence;
  access: readonly AccessType[];
  scope: Scope;
  /** Leaf: MIME type (default text/plain). Interior: MO identifier or DDF name. */
  type?: string;
  /** Never returned by Get or ?list. */
  secret?: boolean;
  /** For `<x>` nodes: the instances carry the Active / Default / Locked flags (decision 0021). */
  instanceFlags?: boolean;
  /** Children not described here are allowed below (Ext, vendor extensions). */
  open?: boolean;
  defaultValue?: string;
  description: string;
  children?: readonly DdfNode[];
}

export interface MoDescription {
  /** Short name used in the UI and the CLI. */
  name: string;
  /** The MO identifier (Type of the MO root). */
  id: string;
  /** Where the device keeps it, canonical (e.g. `./DMAcc`). */
  root: string;
  /** Whether `id` is from a published source or a project name (decision 0022). */
  idSource: 'published' | 'project';
  /** Where the layout comes from. */
  source: string;
  ddf: DdfNode;
}

export const ALL_ACCESS: readonly AccessType[] = ['Add', 'Copy', 'Delete', 'Get', 'Replace'];
export const GET_ONLY: readonly AccessType[] = ['Get'];
/** Secrets: may be set, never read [STD, DMAcc AAuthSecret / AAuthData]. */
export const NO_GET: readonly AccessType[] = ['Add', 'Delete', 'Replace'];

/** A dynamic leaf of format chr, full access. */
export function leaf(name: string, description: string, extra: Partial<DdfNode> = {}): DdfNode {
  return {
    name,
    format: 'chr',
    occurrence: 'ZeroOrOne',
    access: ALL_ACCESS,
    scope: 'dynamic',
    type: 'text/plain',
    description,
    ...extra,
  };
}

export function interior(
  name: string,
  description: string,
  children: readonly DdfNode[],
  extra: Partial<DdfNode> = {},
): DdfNode {
  return {
    name,
    format: 'node',
    occurrence: 'ZeroOrOne',
    access: ALL_ACCESS,
    scope: 'dynamic',
    description,
    children,
    ...extra,
  };
}

/** An `Ext` node: anything may be added below it. */
export function ext(): DdfNode {
  return interior('Ext', 'Vendor extensions; any subtree.', [], { open: true });
}
