import type { Clock } from '../core/ports.ts';

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now() };
