/**
 * The status bar's activity under the phone's dialogs (src/state/activity.ts, decision 0155):
 * a session that ends while another dialog is open must not leave "Session active" (the CP
 * message's dialog: dialog-order.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { activitySet, dialogOpened, dialogsClosed } from '../../../src/state/activity.ts';
import type { DeviceActivity } from '../../../src/state/device.svelte.ts';
import { PromptsState } from '../../../src/state/prompts.svelte.ts';

describe('activity layers', () => {
  it('shows "waiting for you" while a dialog is open and what was set meanwhile after it', () => {
    let l = activitySet({ shown: 'idle', underneath: null }, 'in-session');
    expect(l).toEqual({ shown: 'in-session', underneath: null });
    l = dialogOpened(l);
    expect(l).toEqual({ shown: 'waiting-for-you', underneath: 'in-session' });
    // A second dialog on top changes nothing.
    expect(dialogOpened(l)).toEqual(l);
    l = activitySet(l, 'idle');
    expect(l.shown).toBe('waiting-for-you');
    expect(dialogsClosed(l)).toEqual({ shown: 'idle', underneath: null });
  });

  it('closing with no dialog open changes nothing', () => {
    const l = { shown: 'notification-pending' as const, underneath: null };
    expect(dialogsClosed(l)).toEqual(l);
  });
});

describe('PromptsState.showActivity', () => {
  function setup(start: DeviceActivity = 'idle') {
    const device = { activity: start };
    return { device, prompts: new PromptsState(device) };
  }

  it('a session that ends under a confirmation: the bar says Idle once it is answered', async () => {
    const { device, prompts } = setup();
    prompts.showActivity('in-session');
    const sure = prompts.confirm({ title: 'Delete My MMS?', body: 'b', confirmLabel: 'Delete' });
    expect(device.activity).toBe('waiting-for-you');
    prompts.showActivity('idle'); // the session ended meanwhile
    expect(device.activity).toBe('waiting-for-you');
    prompts.answer(prompts.current!, true as never);
    await expect(sure).resolves.toBe(true);
    expect(device.activity).toBe('idle');
  });

  it('without dialogs it sets the activity at once, and a dialog still restores the one before it', async () => {
    const { device, prompts } = setup();
    prompts.showActivity('connecting');
    expect(device.activity).toBe('connecting');
    const sure = prompts.confirm({ title: 'Delete?', body: 'b', confirmLabel: 'Delete' });
    prompts.answer(prompts.current!, true as never);
    await expect(sure).resolves.toBe(true);
    expect(device.activity).toBe('connecting');
  });
});
