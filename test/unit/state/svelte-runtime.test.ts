/** The unit config compiles rune classes for the client runtime: $effect and $derived really run. */
import { expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { EffectProbe } from '../../support/effect-probe.svelte.ts';

it('runs effects of rune classes in Node, once per change', () => {
  const probe = new EffectProbe();
  flushSync();
  probe.n = 2;
  flushSync();
  probe.n = 2;
  flushSync();
  probe.stop();
  probe.n = 3;
  flushSync();
  expect(probe.seen).toEqual([0, 2]);
});
