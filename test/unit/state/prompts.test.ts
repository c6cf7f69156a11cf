/**
 * The phone's dialog queue (src/state/prompts.svelte.ts), compiled with Svelte's client runtime:
 * one dialog at a time in arrival order, "Waiting for you" while any is open, MAXDT timeouts
 * counted from when a dialog becomes visible (decision 0081).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceActivity } from '../../../src/state/device.svelte.ts';
import { PromptsState } from '../../../src/state/prompts.svelte.ts';
import { confirmAlert } from './alerts.fixtures.ts';

describe('PromptsState', () => {
  let device: { activity: DeviceActivity };
  let prompts: PromptsState;
  beforeEach(() => {
    vi.useFakeTimers();
    device = { activity: 'in-session' };
    prompts = new PromptsState(device);
  });
  afterEach(() => vi.useRealTimers());

  it('shows one dialog at a time, in arrival order, and restores the activity after the last', async () => {
    const first = prompts.ask(confirmAlert('Install the new MMS settings?'));
    const second = prompts.confirm({ title: 'Allow this change?', body: 'b', confirmLabel: 'Allow' });
    expect(device.activity).toBe('waiting-for-you');
    expect(prompts.current?.source).toBe('dm');
    expect(prompts.queue).toHaveLength(2);
    prompts.answer(prompts.current!, { kind: 'accept' } as never);
    expect(await first).toEqual({ kind: 'accept' });
    expect(prompts.current?.source).toBe('local');
    expect(device.activity).toBe('waiting-for-you');
    prompts.answer(prompts.current!, false as never);
    expect(await second).toBe(false);
    expect(prompts.current).toBeNull();
    expect(device.activity).toBe('in-session');
  });

  it('times a DM alert out after MAXDT counted from when it is shown, not from when it was queued', async () => {
    const sure = prompts.confirm({ title: 'Delete My MMS?', body: 'b', confirmLabel: 'Delete' });
    const alert = prompts.ask(confirmAlert('Continue?', 30));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(prompts.current?.source).toBe('local');
    prompts.answer(prompts.current!, true as never);
    expect(await sure).toBe(true);
    const shown = prompts.current!;
    expect(prompts.deadline(shown)).toBe(shown.shownAt! + 30_000);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(prompts.current?.id).toBe(shown.id);
    await vi.advanceTimersByTimeAsync(1);
    expect(await alert).toEqual({ kind: 'timeout' });
    expect(prompts.current).toBeNull();
  });

  it('ignores a second answer to the same dialog and answers a queued one without disturbing the open one', async () => {
    const open = prompts.confirm({ title: 'A', body: 'a', confirmLabel: 'OK' });
    const queued = prompts.confirm({ title: 'B', body: 'b', confirmLabel: 'OK' });
    const [head, behind] = prompts.queue;
    prompts.answer(behind!, true as never);
    expect(await queued).toBe(true);
    expect(prompts.current?.id).toBe(head!.id);
    prompts.answer(head!, false as never);
    prompts.answer(head!, true as never);
    expect(await open).toBe(false);
    expect(prompts.queue).toHaveLength(0);
  });
});
