import type { HandsetDb } from './db.ts';

/** How the handset looks, and what the user asked it to check with them. Stored under `preferences` in the `device` store. */
export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Preferences {
  theme: ThemeChoice;
  /** Bigger type and a bigger phone, for projectors. */
  largeText: boolean;
  /** Ask before an operator's DM session changes the Active or Locked state of an instance. */
  confirmOperatorChanges: boolean;
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = {
  theme: 'system',
  largeText: false,
  confirmOperatorChanges: false,
};

const KEY = 'preferences';

/** Reads the stored preferences; missing or malformed entries fall back to the defaults. */
export async function loadPreferences(db: HandsetDb): Promise<Preferences> {
  const stored = (await db.get('device', KEY)) as Partial<Record<keyof Preferences, unknown>> | undefined;
  const out: Preferences = { ...DEFAULT_PREFERENCES };
  if (!stored || typeof stored !== 'object') return out;
  if (stored.theme === 'system' || stored.theme === 'light' || stored.theme === 'dark')
    out.theme = stored.theme;
  if (typeof stored.largeText === 'boolean') out.largeText = stored.largeText;
  if (typeof stored.confirmOperatorChanges === 'boolean')
    out.confirmOperatorChanges = stored.confirmOperatorChanges;
  return out;
}

export async function savePreferences(db: HandsetDb, preferences: Preferences): Promise<void> {
  await db.put('device', { ...preferences }, KEY);
}
