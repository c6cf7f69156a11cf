/**
 * Add, Replace, Delete, Copy (shared/spec/oma-dm.md §5): each Item becomes one tree
 * operation; outside Atomic each runs on its own (its effect is durable once done) and gets
 * its own Status (per-item Status, decision 0042), with the tree's reason in the trace.
 */
import type { TreeOp } from '../../tree/types.ts';
import type { Add, Copy, Delete, Item, Replace } from '../../syncml/message.ts';
import { statusForItem } from '../../syncml/build.ts';
import { itemValue } from './items.ts';
import type { CommandContext, CommandOutcome, Reply } from './types.ts';

export type WriteCommand = Add | Replace | Delete | Copy;

/** The tree operation for one Item, or the status when the Item cannot become one. */
export type ItemOp = { op: TreeOp } | { status: number; reason: string };

export function itemOp(cmd: WriteCommand, item: Item, ctx: Pick<CommandContext, 'writeXml'>): ItemOp {
  const target = item.Target?.LocURI;
  if (target === undefined || target === '')
    return { status: 412, reason: `${cmd.kind} item without Target/LocURI` };
  switch (cmd.kind) {
    case 'Delete':
      return { op: { op: 'delete', uri: target } };
    case 'Copy': {
      const source = item.Source?.LocURI;
      if (source === undefined || source === '')
        return { status: 412, reason: 'Copy item without Source/LocURI' };
      return { op: { op: 'copy', uri: target, source } };
    }
    case 'Add': {
      const v = itemValue(cmd.Meta, item, item.Data, ctx.writeXml);
      const op: TreeOp = { op: 'add', uri: target };
      if (v.format !== undefined) op.format = v.format as NonNullable<typeof op.format>;
      if (v.type !== undefined) op.type = v.type;
      if (v.value !== undefined) op.value = v.value;
      return { op };
    }
    case 'Replace': {
      const v = itemValue(cmd.Meta, item, item.Data, ctx.writeXml);
      const op: TreeOp = { op: 'replace', uri: target };
      if (v.format !== undefined && v.format !== 'chr') op.format = v.format as NonNullable<typeof op.format>;
      else if (v.format === 'chr' && item.Meta?.Format !== undefined) op.format = 'chr';
      if (v.type !== undefined) op.type = v.type;
      if (v.value !== undefined) op.value = v.value;
      return { op };
    }
  }
}

export function itemStatus(
  cmd: WriteCommand,
  item: Item,
  code: number,
  msgId: string,
  reason?: string,
): Reply {
  const reply: Reply = { cmd: statusForItem(cmd, item, code, { CmdID: '', MsgRef: msgId }) };
  if (reason !== undefined) reply.reason = reason;
  return reply;
}

/** Runs each Item as its own batch, in order. */
export async function runWrite(cmd: WriteCommand, ctx: CommandContext): Promise<CommandOutcome> {
  const replies: Reply[] = [];
  let failed = false;
  if (cmd.Items.length === 0) {
    return { replies: [itemStatus(cmd, {}, 412, ctx.msgId, `${cmd.kind} without Items`)], effect: 'failed' };
  }
  for (const item of cmd.Items) {
    const planned = itemOp(cmd, item, ctx);
    if ('status' in planned) {
      replies.push(itemStatus(cmd, item, planned.status, ctx.msgId, planned.reason));
      failed = true;
      continue;
    }
    if (ctx.changeGate) {
      // Asked before the tree is touched; a refusal is 215 and writes nothing (decision 0100).
      const verdict = await ctx.changeGate.check(planned.op, cmd.CmdID);
      if (!verdict.allowed) {
        replies.push(itemStatus(cmd, item, 215, ctx.msgId, verdict.reason));
        failed = true;
        continue;
      }
    }
    const result = await ctx.tree.batch(ctx.principal, [planned.op], { origin: ctx.origin });
    const code = result.statuses[0] ?? 500;
    if (code !== 200) failed = true;
    replies.push(itemStatus(cmd, item, code, ctx.msgId, result.reason));
  }
  return { replies, effect: failed ? 'failed' : 'continue' };
}
