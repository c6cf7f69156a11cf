/**
 * Flows recognise the "ask before operator changes" question by its title: the one
 * PromptsState.askOperatorChange shows must match, and other confirmations must not.
 */
import { describe, expect, it } from 'vitest';
import { isOperatorChangeQuestion } from '../../../src/state/operator-change-prompt.ts';
import { PromptsState } from '../../../src/state/prompts.svelte.ts';

describe('isOperatorChangeQuestion', () => {
  it('knows the question askOperatorChange shows, and no other confirmation', () => {
    const prompts = new PromptsState({ activity: 'idle' });
    void prompts.askOperatorChange({ serverName: 'Operator', instanceName: 'Internet', what: 'locked' });
    void prompts.confirm({ title: 'Start a DM session?', body: 'b', confirmLabel: 'Yes' });
    const found = prompts.queue.map((p) => p.source === 'local' && isOperatorChangeQuestion(p.request));
    expect(found).toEqual([true, false]);
  });
});
