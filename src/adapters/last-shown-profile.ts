/**
 * The profile shown last, in localStorage, read synchronously at start-up so the handset
 * database opens alongside the profiles registry (decision 0171). Only a hint: the registry
 * decides, and a missing, unreadable or malformed entry just means "no hint".
 */
import type { ProfileRecord } from './profiles-db.ts';

/** Remembers the profile shown, synchronously; may forget (private browsing, cleared storage). */
export interface LastShownProfile {
  read(): ProfileRecord | null;
  write(profile: ProfileRecord): void;
}

export const LAST_SHOWN_KEY = 'ota-handset:last-shown-profile';

function isProfileRecord(value: unknown): value is ProfileRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['id'] === 'string' &&
    typeof v['name'] === 'string' &&
    typeof v['dbName'] === 'string' &&
    v['dbName'].startsWith('ota-handset') &&
    typeof v['created'] === 'number'
  );
}

/** `storage` is `localStorage` in the browser; tests pass a Map-backed stand-in. */
export function lastShownProfileIn(storage: Pick<Storage, 'getItem' | 'setItem'>): LastShownProfile {
  return {
    read() {
      try {
        const value: unknown = JSON.parse(storage.getItem(LAST_SHOWN_KEY) ?? 'null');
        return isProfileRecord(value) ? value : null;
      } catch {
        return null;
      }
    },
    write(profile) {
      try {
        const { id, name, dbName, created } = profile;
        storage.setItem(LAST_SHOWN_KEY, JSON.stringify({ id, name, dbName, created }));
      } catch {
        // Storage full or disabled: start-up just waits for the registry next time.
      }
    },
  };
}

/** The browser's localStorage, or none where touching it throws (some privacy settings). */
export function browserLastShownProfile(): LastShownProfile | undefined {
  try {
    return lastShownProfileIn(globalThis.localStorage);
  } catch {
    return undefined;
  }
}
