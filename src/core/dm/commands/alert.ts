/**
 * Alerts from the server (shared/spec/oma-dm.md §9, §3): user-interaction alerts 1100-1104
 * go to the Prompter (parsed and answered by dm/alerts.ts); a handset without a Prompter
 * answers 406. 1222 / 1223 are handled by the session; any other code is answered 406.
 */
import type { Alert } from '../../syncml/message.ts';
import { statusFor } from '../../syncml/build.ts';
import { isUserInteractionAlert } from '../../syncml/alert-codes.ts';
import { answerUserInteraction, parseUserInteraction, type UserAnswer } from '../alerts.ts';
import type { CommandContext, CommandEffect, CommandOutcome, Reply } from './types.ts';

function describeAnswer(answer: UserAnswer): string {
  switch (answer.kind) {
    case 'text':
      return `the user typed ${JSON.stringify(answer.text)}`;
    case 'choice':
      return `the user chose ${answer.indices.join(', ')}`;
    case 'timeout':
      return 'the user did not answer in time';
    case 'cancel':
      return 'the user cancelled';
    default:
      return `the user answered ${answer.kind}`;
  }
}

export async function runAlert(cmd: Alert, ctx: CommandContext): Promise<CommandOutcome> {
  const reply = (
    code: number,
    reason: string,
    effect: CommandEffect,
    Items: Alert['Items'] = [],
  ): CommandOutcome => ({
    replies: [
      { cmd: statusFor(cmd, code, { CmdID: '', MsgRef: ctx.msgId }, { Items }), reason } satisfies Reply,
    ],
    effect,
  });
  if (!isUserInteractionAlert(cmd.Data)) {
    return reply(406, `alert ${cmd.Data} is not one the handset acts on`, 'failed');
  }
  const parsed = parseUserInteraction(cmd);
  if (!parsed.ok) return reply(parsed.status, parsed.reason, 'failed');
  if (!ctx.prompter) return reply(406, 'this handset has no user interface for alerts', 'failed');
  let answer: UserAnswer;
  ctx.onPrompt?.(parsed.request);
  try {
    answer = await ctx.prompter.ask(parsed.request);
  } catch (error) {
    answer = { kind: 'cancel' };
    ctx.onPrompt?.(undefined);
    const r = answerUserInteraction(parsed.request, answer, ctx.answerOptions);
    return reply(
      r.code,
      `the prompt could not be shown (${(error as Error).message}); treated as cancel`,
      r.effect === 'cancelled' ? 'cancelled' : 'continue',
      r.Items,
    );
  }
  ctx.onPrompt?.(undefined);
  let response;
  try {
    response = answerUserInteraction(parsed.request, answer, ctx.answerOptions);
  } catch (error) {
    return reply(500, `the answer did not fit the alert: ${(error as Error).message}`, 'failed');
  }
  const effect: CommandEffect =
    response.effect === 'cancelled'
      ? 'cancelled'
      : response.effect === 'rejected'
        ? 'rejected'
        : response.code === 200
          ? 'continue'
          : 'failed';
  return reply(response.code, describeAnswer(answer), effect, response.Items);
}
