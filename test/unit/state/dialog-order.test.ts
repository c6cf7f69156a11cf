/**
 * The CP message's dialog and the DM / local dialogs share one order and one status bar
 * (decision 0180): whichever came first stays on screen, the other waits; "Waiting for you"
 * shows while either is open; a DM alert's MAXDT counts from when it becomes visible.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryInboxStore } from '../../../src/core/cp/inbox.ts';
import type { ManagementTree } from '../../../src/core/tree/tree.ts';
import type { DeviceActivity } from '../../../src/state/device.svelte.ts';
import { ProvisioningState } from '../../../src/state/provisioning.svelte.ts';
import { PromptsState } from '../../../src/state/prompts.svelte.ts';
import { confirmAlert } from './alerts.fixtures.ts';
import { clock, freshTree } from '../cp-apply/helpers.ts';
import { IMSI, vector } from '../cp/vectors.ts';

/** Document A pushed with SEC=USERPIN, PIN 1234 (test/vectors/cp/README.md). */
const USERPIN_PUSH = vector('push-userpin.hex');

describe('the CP dialog in the phone’s dialog order', () => {
  let device: { activity: DeviceActivity };
  let prompts: PromptsState;
  let tree: ManagementTree;
  let store: MemoryInboxStore;
  let provisioning: ProvisioningState;

  function provisioningState(): ProvisioningState {
    return new ProvisioningState({ store, tree: () => tree, imsi: () => IMSI, clock, dialogs: prompts });
  }

  beforeEach(async () => {
    vi.useFakeTimers();
    device = { activity: 'idle' };
    prompts = new PromptsState(device);
    ({ tree } = await freshTree());
    store = new MemoryInboxStore();
    provisioning = provisioningState();
  });
  afterEach(() => vi.useRealTimers());

  it('says "Waiting for you" through every CP step and, after Done, what a session set meanwhile', async () => {
    prompts.showActivity('in-session');
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    expect(record.status).toBe('awaiting-pin');
    expect(prompts.current).toMatchObject({ source: 'provisioning', request: { recordId: record.id } });
    expect(device.activity).toBe('waiting-for-you');
    prompts.showActivity('idle'); // the session ended under the PIN dialog
    expect((await provisioning.enterPin(record.id, '1234'))?.status).toBe('awaiting-consent');
    expect(device.activity).toBe('waiting-for-you');
    expect((await provisioning.accept(record.id))?.status).toBe('applied');
    expect(device.activity).toBe('waiting-for-you'); // the result step is still a dialog
    provisioning.postpone(); // Done
    expect(prompts.current).toBeNull();
    expect(device.activity).toBe('idle');
  });

  it('"Later" gives back the activity from before, or one a session started meanwhile', async () => {
    device.activity = 'notification-pending';
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    expect(device.activity).toBe('waiting-for-you');
    provisioning.postpone();
    expect(device.activity).toBe('notification-pending');
    provisioning.open(record.id); // from the notification shade
    expect(device.activity).toBe('waiting-for-you');
    prompts.showActivity('in-session');
    expect(device.activity).toBe('waiting-for-you');
    provisioning.postpone();
    expect(device.activity).toBe('in-session');
  });

  it('a DM alert that comes during the CP dialog waits, and its MAXDT starts when it shows', async () => {
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    const alert = prompts.ask(confirmAlert('Use the new MMS settings?', 30));
    expect(prompts.current?.source).toBe('provisioning');
    expect(prompts.queue.map((p) => [p.source, p.shownAt === null])).toEqual([
      ['provisioning', false],
      ['dm', true],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(prompts.current?.source).toBe('provisioning');
    await provisioning.enterPin(record.id, '1234');
    await provisioning.accept(record.id);
    expect(prompts.current?.source).toBe('provisioning'); // "Settings installed" until Done
    provisioning.postpone();
    const shown = prompts.current!;
    expect(shown.source).toBe('dm');
    expect(prompts.deadline(shown)).toBe(shown.shownAt! + 30_000);
    expect(device.activity).toBe('waiting-for-you');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(prompts.current?.id).toBe(shown.id);
    await vi.advanceTimersByTimeAsync(1);
    await expect(alert).resolves.toEqual({ kind: 'timeout' });
    expect(prompts.current).toBeNull();
    expect(device.activity).toBe('idle');
  });

  it('a CP message that comes during a DM alert waits behind it, then shows its PIN step', async () => {
    prompts.showActivity('in-session');
    const alert = prompts.ask(confirmAlert('Use the new MMS settings?'));
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    expect(provisioning.shownId).toBe(record.id); // next in line, so not among the put-off ones
    expect(prompts.current?.source).toBe('dm');
    expect(prompts.queue[1]).toMatchObject({ source: 'provisioning', shownAt: null });
    prompts.showActivity('idle');
    prompts.answer(prompts.current!, { kind: 'yes' } as never);
    await expect(alert).resolves.toEqual({ kind: 'yes' });
    expect(prompts.current).toMatchObject({ source: 'provisioning', request: { recordId: record.id } });
    expect(prompts.current?.shownAt).not.toBeNull();
    expect(provisioning.shown?.status).toBe('awaiting-pin');
    expect(device.activity).toBe('waiting-for-you');
    await provisioning.reject(record.id);
    provisioning.postpone();
    expect(device.activity).toBe('idle');
  });

  it('"Later" on a message still waiting behind a DM alert takes it out of the line', async () => {
    void prompts.confirm({ title: 'Delete My MMS?', body: 'b', confirmLabel: 'Delete' });
    await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    expect(prompts.queue).toHaveLength(2);
    provisioning.postpone();
    expect(prompts.queue.map((p) => p.source)).toEqual(['local']);
  });

  it('keeps one message dialog: a second message replaces the first in its place in the line', async () => {
    const first = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    void prompts.ask(confirmAlert('Continue?'));
    const second = await provisioning.receive(USERPIN_PUSH, { source: 'paste' });
    expect(second.id).not.toBe(first.id);
    expect(prompts.queue.map((p) => p.source)).toEqual(['provisioning', 'dm']);
    expect(prompts.current).toMatchObject({ request: { recordId: second.id } });
  });

  it('a reload in the middle of the flow shows the waiting message’s dialog again', async () => {
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    device = { activity: 'idle' };
    prompts = new PromptsState(device);
    const reloaded = provisioningState();
    await reloaded.load();
    expect(prompts.current).toMatchObject({ source: 'provisioning', request: { recordId: record.id } });
    expect(device.activity).toBe('waiting-for-you');
    await reloaded.remove(record.id);
    expect(prompts.current).toBeNull();
    expect(device.activity).toBe('idle');
  });

  it('a message received before the first run waits, without "Waiting for you", until there is an identity', async () => {
    const sim: { imsi?: string } = {};
    provisioning = new ProvisioningState({
      store,
      tree: () => tree,
      imsi: () => sim.imsi,
      clock,
      dialogs: prompts,
    });
    const record = await provisioning.receive(USERPIN_PUSH, { source: 'push' });
    expect(provisioning.shownId).toBe(record.id);
    expect(prompts.current).toBeNull();
    expect(device.activity).toBe('idle');
    sim.imsi = IMSI; // the first run saves the identity; AppState then asks for the dialog again
    provisioning.syncDialog();
    expect(prompts.current).toMatchObject({ source: 'provisioning', request: { recordId: record.id } });
    expect(device.activity).toBe('waiting-for-you');
  });
});
