/**
 * The ACL property [TND 83, ACL; oma-dm.md §12.4]:
 *
 *   acl       ::= acl-entry ("&" acl-entry)*  |  ""
 *   acl-entry ::= command "=" server-id ("+" server-id)*
 *   server-id ::= "*" | printable chars except = & * + and whitespace
 *   command   ::= Add | Delete | Exec | Get | Replace
 */

export const ACL_COMMANDS = ['Add', 'Delete', 'Exec', 'Get', 'Replace'] as const;
export type AclCommand = (typeof ACL_COMMANDS)[number];

/** A parsed ACL: the server ids per command (`*` = every server). Empty map = empty ACL. */
export type Acl = ReadonlyMap<AclCommand, readonly string[]>;

const SERVER_ID = /^[^=&*+\s]+$/u;

function isCommand(text: string): text is AclCommand {
  return (ACL_COMMANDS as readonly string[]).includes(text);
}

/** Parses an ACL; returns a reason string when it does not follow the grammar. */
export function parseAcl(text: string): Acl | string {
  const acl = new Map<AclCommand, string[]>();
  if (text === '') return acl;
  for (const entry of text.split('&')) {
    const eq = entry.indexOf('=');
    if (eq < 0) return `ACL entry "${entry}" has no "="`;
    const command = entry.slice(0, eq);
    if (!isCommand(command)) return `unknown ACL command "${command}"`;
    const ids = entry.slice(eq + 1).split('+');
    for (const id of ids) {
      if (id !== '*' && !SERVER_ID.test(id)) return `bad server id "${id}" in ACL entry "${entry}"`;
    }
    const list = acl.get(command) ?? [];
    for (const id of ids) if (!list.includes(id)) list.push(id);
    acl.set(command, list);
  }
  return acl;
}

/** Canonical text: commands in the order Add, Delete, Exec, Get, Replace; ids in given order. */
export function formatAcl(acl: Acl): string {
  const parts: string[] = [];
  for (const command of ACL_COMMANDS) {
    const ids = acl.get(command);
    if (ids && ids.length > 0) parts.push(`${command}=${ids.join('+')}`);
  }
  return parts.join('&');
}

/** Normalizes an ACL text; returns undefined when it is malformed. */
export function canonicalAcl(text: string): string | undefined {
  const acl = parseAcl(text);
  return typeof acl === 'string' ? undefined : formatAcl(acl);
}

export function aclAllows(acl: Acl, command: AclCommand, serverId: string): boolean {
  const ids = acl.get(command);
  return ids !== undefined && (ids.includes('*') || ids.includes(serverId));
}

/** Adds `serverId` to each command (no-op where `*` or the id is already there). */
export function grant(acl: Acl, serverId: string, commands: readonly AclCommand[]): Acl {
  const out = new Map<AclCommand, string[]>();
  for (const [c, ids] of acl) out.set(c, [...ids]);
  for (const c of commands) {
    const ids = out.get(c) ?? [];
    if (!ids.includes('*') && !ids.includes(serverId)) ids.push(serverId);
    out.set(c, ids);
  }
  return out;
}

/**
 * Removes a deleted ServerID from an ACL [TND 83]. On the root a command left empty becomes `*`
 * (spec rule); elsewhere the emptied entry is dropped (project decision 0020).
 */
export function removeServerId(acl: Acl, serverId: string, isRoot: boolean): Acl {
  const out = new Map<AclCommand, string[]>();
  for (const [c, ids] of acl) {
    const kept = ids.filter((id) => id !== serverId);
    if (kept.length > 0) out.set(c, kept);
    else if (isRoot) out.set(c, ['*']);
  }
  return out;
}
