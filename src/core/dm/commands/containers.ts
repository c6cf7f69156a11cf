/**
 * Atomic and Sequence (shared/spec/oma-dm.md §5, §9).
 *
 * Sequence: its own Status is 200 once execution starts; members run in order; after a 1101
 * answered No or a cancelled UI alert the remaining members get 215.
 *
 * Atomic: all or nothing. Members run in order: UI alerts are asked when reached, tree
 * operations are collected and applied as ONE tree batch at the end (the tree's batch is
 * all-or-nothing), Exec runs after the batch committed. A Get or a nested Atomic inside is
 * 500. On any failure nothing is applied: members before the failing one get 216, the
 * failing one its own code, the rest 215, and the Atomic 507. An Exec that fails after the
 * batch committed cannot be undone: the committed members get 516 (decision 0055). A change
 * the user refuses ("ask before operator changes", decision 0100) is a failing member with 215.
 *
 * Status faults (decision 0160) reach the members too: in a Sequence a faulted item is answered
 * the fault's code and the rest run; in an Atomic a faulted item with an error code is a failing
 * member (507, 216, 215 as above), one with a 2xx code is answered it and left out of the batch.
 */
import type { Atomic, Command, Item, Sequence } from '../../syncml/message.ts';
import { isItemCommand } from '../../syncml/message.ts';
import { statusFor, statusForItem } from '../../syncml/build.ts';
import type { TreeOp } from '../../tree/types.ts';
import { runAlert } from './alert.ts';
import { runExec } from './exec.ts';
import { applyStatusFaults, statusFault } from '../faults.ts';
import { notExecuted, runCommand } from './index.ts';
import { itemOp, type WriteCommand } from './write.ts';
import type { CommandContext, CommandEffect, CommandOutcome, Reply } from './types.ts';

export async function runSequence(cmd: Sequence, ctx: CommandContext): Promise<CommandOutcome> {
  const replies: Reply[] = [{ cmd: statusFor(cmd, 200, { CmdID: '', MsgRef: ctx.msgId }) }];
  let stop: 'rejected' | 'cancelled' | undefined;
  for (const member of cmd.commands) {
    if (stop) {
      replies.push(
        ...notExecuted(
          member,
          ctx.msgId,
          stop === 'cancelled'
            ? 'the user cancelled an alert'
            : 'the user answered No earlier in this Sequence',
        ),
      );
      continue;
    }
    const out = await runMember(member, ctx);
    replies.push(...out.replies);
    if (out.effect === 'rejected' || out.effect === 'cancelled') stop = out.effect;
  }
  return { replies, effect: stop === 'cancelled' ? 'cancelled' : 'continue' };
}

/** A Sequence member with the status faults applied: faulted items are answered, the rest run. */
async function runMember(member: Command, ctx: CommandContext): Promise<CommandOutcome> {
  if (!ctx.faults) return runCommand(member, ctx);
  const split = applyStatusFaults(ctx.faults, member, ctx.msgId);
  if (!split.rest) return { replies: split.injected, effect: 'continue' };
  const out = await runCommand(split.rest, ctx);
  return { replies: [...split.injected, ...out.replies], effect: out.effect };
}

const succeeded = (status: number): boolean => status >= 200 && status < 300;

/** One status slot of an Atomic: a member (container, alert, exec) or one Item of a write. */
interface Slot {
  cmd: Command;
  item?: Item;
  /** Index into the batch's ops. */
  op?: number;
  /** Reply already decided (alert answer, exec status). */
  reply?: Reply;
}

function flatten(commands: readonly Command[], out: Command[]): void {
  for (const c of commands) {
    out.push(c);
    if (c.kind === 'Sequence') flatten(c.commands, out);
  }
}

function slotReply(slot: Slot, code: number, msgId: string, reason?: string): Reply {
  const ref = { CmdID: '', MsgRef: msgId };
  const cmd =
    slot.item && isItemCommand(slot.cmd)
      ? statusForItem(slot.cmd, slot.item, code, ref)
      : statusFor(slot.cmd, code, ref);
  const reply: Reply = { cmd };
  if (reason !== undefined) reply.reason = reason;
  return reply;
}

export async function runAtomic(cmd: Atomic, ctx: CommandContext): Promise<CommandOutcome> {
  const members: Command[] = [];
  flatten(cmd.commands, members);
  const slots: Slot[] = [];
  const ops: TreeOp[] = [];
  const execs: Slot[] = [];
  let failAt: number | undefined;
  let failReply: Reply | undefined;
  let effect: CommandEffect = 'continue';

  for (const member of members) {
    if (failAt !== undefined) {
      // Slots after the failure: 215, one per item.
      if (isItemCommand(member) && member.Items.length > 0)
        for (const item of member.Items) slots.push({ cmd: member, item });
      else slots.push({ cmd: member });
      continue;
    }
    switch (member.kind) {
      case 'Get':
      case 'Atomic':
        slots.push({ cmd: member });
        failAt = slots.length - 1;
        failReply = slotReply(slots[failAt]!, 500, ctx.msgId, `${member.kind} is not allowed inside Atomic`);
        if (member.kind === 'Atomic') {
          // Its members are not executed either; they are answered after it.
          for (const m of member.commands) slots.push({ cmd: m });
        }
        break;
      case 'Sequence':
        slots.push({ cmd: member });
        break;
      case 'Add':
      case 'Replace':
      case 'Delete':
      case 'Copy': {
        const items = member.Items.length > 0 ? member.Items : [{}];
        for (const item of items) {
          const slot: Slot = { cmd: member, item };
          slots.push(slot);
          if (failAt !== undefined) continue;
          const fault = ctx.faults && statusFault(ctx.faults, member, item, ctx.msgId);
          if (fault) {
            // Injected: not executed. An error code fails the Atomic like a real failure.
            if (succeeded(fault.status)) slot.reply = fault.reply;
            else {
              failAt = slots.length - 1;
              failReply = fault.reply;
            }
            continue;
          }
          const planned = itemOp(member as WriteCommand, item, ctx);
          const verdict =
            'op' in planned && ctx.changeGate
              ? await ctx.changeGate.check(planned.op, member.CmdID)
              : ({ allowed: true } as const);
          if ('status' in planned) {
            failAt = slots.length - 1;
            failReply = slotReply(slot, planned.status, ctx.msgId, planned.reason);
          } else if (!verdict.allowed) {
            // A refused change fails the Atomic like any failing member (decision 0100).
            failAt = slots.length - 1;
            failReply = slotReply(slot, 215, ctx.msgId, verdict.reason);
          } else {
            slot.op = ops.length;
            ops.push(planned.op);
          }
        }
        break;
      }
      case 'Alert': {
        const out = await runAlert(member, ctx);
        const slot: Slot = { cmd: member, reply: out.replies[0]! };
        slots.push(slot);
        if (out.effect !== 'continue') {
          failAt = slots.length - 1;
          failReply = slot.reply;
          if (out.effect === 'cancelled') effect = 'cancelled';
        }
        break;
      }
      case 'Exec': {
        const slot: Slot = { cmd: member };
        slots.push(slot);
        const fault = ctx.faults && statusFault(ctx.faults, member, member.Items[0] ?? {}, ctx.msgId);
        if (!fault) execs.push(slot);
        else if (succeeded(fault.status)) slot.reply = fault.reply;
        else {
          failAt = slots.length - 1;
          failReply = fault.reply;
        }
        break;
      }
      case 'Status':
      case 'Results':
        break;
    }
  }

  let committed = false;
  if (failAt === undefined && ops.length > 0) {
    const result = await ctx.tree.batch(ctx.principal, ops, { origin: ctx.origin });
    if (result.status !== 200) {
      const index = result.failedIndex ?? 0;
      failAt = slots.findIndex((s) => s.op === index);
      if (failAt < 0) failAt = 0;
      failReply = slotReply(slots[failAt]!, result.statuses[index] ?? 500, ctx.msgId, result.reason);
    } else committed = true;
  }
  let execFailed = false;
  if (failAt === undefined) {
    for (const slot of execs) {
      if (execFailed) {
        slot.reply = slotReply(slot, 215, ctx.msgId, 'an earlier Exec in this Atomic failed');
        continue;
      }
      const out = await runExec(slot.cmd as Extract<Command, { kind: 'Exec' }>, ctx);
      slot.reply = out.replies[0]!;
      if (out.effect !== 'continue') execFailed = true;
    }
  }

  const replies: Reply[] = [];
  const ref = { CmdID: '', MsgRef: ctx.msgId };
  if (failAt !== undefined) {
    replies.push({ cmd: statusFor(cmd, 507, ref), reason: 'a member failed; nothing was applied' });
    slots.forEach((slot, i) => {
      if (i === failAt) replies.push(failReply!);
      else if (i < failAt!) replies.push(slotReply(slot, 216, ctx.msgId, 'rolled back'));
      else replies.push(slotReply(slot, 215, ctx.msgId, 'not executed: the Atomic failed'));
    });
    return { replies, effect: effect === 'cancelled' ? 'cancelled' : 'failed' };
  }
  if (execFailed) {
    replies.push({
      cmd: statusFor(cmd, 507, ref),
      reason: 'an Exec failed after the tree changes were committed',
    });
    for (const slot of slots) {
      if (slot.reply) replies.push(slot.reply);
      else if (slot.op !== undefined && committed)
        replies.push(
          slotReply(slot, 516, ctx.msgId, 'committed before an Exec failed; cannot be rolled back'),
        );
      else replies.push(slotReply(slot, 216, ctx.msgId));
    }
    return { replies, effect: 'failed' };
  }
  replies.push({ cmd: statusFor(cmd, 200, ref) });
  for (const slot of slots) replies.push(slot.reply ?? slotReply(slot, 200, ctx.msgId));
  return { replies, effect: 'continue' };
}
