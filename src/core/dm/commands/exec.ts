/** Exec (shared/spec/oma-dm.md §5): through the handset's ExecRegistry; one Status. */
import type { Exec } from '../../syncml/message.ts';
import { statusFor } from '../../syncml/build.ts';
import type { CommandContext, CommandOutcome, Reply } from './types.ts';

export async function runExec(cmd: Exec, ctx: CommandContext): Promise<CommandOutcome> {
  const item = cmd.Items[0];
  const target = item?.Target?.LocURI;
  let status: number;
  let reason: string | undefined;
  if (!item || target === undefined || target === '') {
    status = 412;
    reason = 'Exec without an Item Target/LocURI';
  } else {
    const outcome = await ctx.exec.exec({
      target,
      principal: ctx.principal,
      data: item.Data,
      correlator: cmd.Correlator,
      tree: ctx.tree,
      origin: ctx.origin,
      queueGenericAlert: ctx.queueGenericAlert,
    });
    status = outcome.status;
    reason = outcome.reason;
  }
  const reply: Reply = { cmd: statusFor(cmd, status, { CmdID: '', MsgRef: ctx.msgId }) };
  if (reason !== undefined) reply.reason = reason;
  return { replies: [reply], effect: status === 200 || status === 202 ? 'continue' : 'failed' };
}
