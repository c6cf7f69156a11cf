/**
 * Get (shared/spec/oma-dm.md §5, §12.2, §12.3): a leaf's value, an interior node's child
 * list (`a/b/c`, Format node), `?prop=<Name>`, `?list=Struct|StructData|TNDS`. One Status
 * per Item; a successful Item is followed by its Results (after the Status, as required).
 * A value larger than the server's MaxObjSize is answered 413 (oma-dm.md §10).
 */
import type { Get, Item } from '../../syncml/message.ts';
import { resultsFor, statusForItem } from '../../syncml/build.ts';
import { resultItems, resultSize } from './items.ts';
import type { CommandContext, CommandOutcome, Reply } from './types.ts';

export function runGet(cmd: Get, ctx: CommandContext): CommandOutcome {
  const replies: Reply[] = [];
  let failed = false;
  const status = (item: Item, code: number, reason?: string): void => {
    const reply: Reply = { cmd: statusForItem(cmd, item, code, { CmdID: '', MsgRef: ctx.msgId }) };
    if (reason !== undefined) reply.reason = reason;
    replies.push(reply);
    if (code !== 200) failed = true;
  };
  if (cmd.Items.length === 0) status({}, 412, 'Get without Items');
  for (const item of cmd.Items) {
    const uri = item.Target?.LocURI;
    if (uri === undefined || uri === '') {
      status(item, 412, 'Get item without Target/LocURI');
      continue;
    }
    const r = ctx.tree.get(ctx.principal, uri);
    if (r.status !== 200) {
      status(item, r.status, r.reason);
      continue;
    }
    const items = resultItems(uri, r);
    const size = resultSize(items);
    if (ctx.serverMaxObjSize !== undefined && ctx.serverMaxObjSize > 0 && size > ctx.serverMaxObjSize) {
      status(
        item,
        413,
        `the value is ${size} bytes, more than the server's MaxObjSize ${ctx.serverMaxObjSize}`,
      );
      continue;
    }
    status(item, 200);
    replies.push({ cmd: resultsFor(cmd, items, { CmdID: '', MsgRef: ctx.msgId }, { TargetRef: uri }) });
  }
  return { replies, effect: failed ? 'failed' : 'continue' };
}
