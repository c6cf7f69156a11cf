/**
 * Runs one server command (shared/spec/oma-dm.md §5) and returns its Statuses / Results
 * in reply order. Atomic and Sequence live in containers.ts; Status, Results and the
 * session alerts 1222 / 1223 are the session's business.
 */
import type { Command } from '../../syncml/message.ts';
import { isItemCommand } from '../../syncml/message.ts';
import { statusFor, statusForItem } from '../../syncml/build.ts';
import { runAlert } from './alert.ts';
import { runAtomic, runSequence } from './containers.ts';
import { runExec } from './exec.ts';
import { runGet } from './get.ts';
import { runWrite } from './write.ts';
import type { CommandContext, CommandOutcome, Reply } from './types.ts';

export type {
  CommandContext,
  CommandEffect,
  CommandOutcome,
  GenericAlert,
  Reply,
  XmlWriter,
} from './types.ts';

export async function runCommand(cmd: Command, ctx: CommandContext): Promise<CommandOutcome> {
  switch (cmd.kind) {
    case 'Add':
    case 'Replace':
    case 'Delete':
    case 'Copy':
      return runWrite(cmd, ctx);
    case 'Get':
      return runGet(cmd, ctx);
    case 'Exec':
      return runExec(cmd, ctx);
    case 'Alert':
      return runAlert(cmd, ctx);
    case 'Atomic':
      return runAtomic(cmd, ctx);
    case 'Sequence':
      return runSequence(cmd, ctx);
    case 'Status':
    case 'Results':
      return { replies: [], effect: 'continue' };
  }
}

/**
 * Statuses for a command that is not executed: per Item for item commands, the container
 * and each member for Atomic / Sequence. `code` is 215 (not executed) unless given.
 */
export function notExecuted(cmd: Command, msgId: string, reason: string, code = 215): Reply[] {
  const ref = { CmdID: '', MsgRef: msgId };
  if (cmd.kind === 'Status' || cmd.kind === 'Results') return [];
  if (isItemCommand(cmd)) {
    if (cmd.Items.length === 0) return [{ cmd: statusFor(cmd, code, ref), reason }];
    return cmd.Items.map((item) => ({ cmd: statusForItem(cmd, item, code, ref), reason }));
  }
  if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence') {
    return [
      { cmd: statusFor(cmd, code, ref), reason },
      ...cmd.commands.flatMap((m) => notExecuted(m, msgId, reason, code)),
    ];
  }
  return [{ cmd: statusFor(cmd, code, ref), reason }];
}
