import type { DeviceState } from './device.svelte.ts';
import {
  DEFAULT_PREFERENCES,
  loadPreferences,
  savePreferences,
  type Preferences,
  type ThemeChoice,
} from '../adapters/preferences.ts';

/**
 * Display options and the "ask me before the operator changes my active or locked settings"
 * option, persisted in IndexedDB (`device` store, key `preferences`) of the handset database
 * the device state opens (preferences are per handset, decision 0137).
 */
export class PreferencesState {
  theme = $state<ThemeChoice>(DEFAULT_PREFERENCES.theme);
  largeText = $state(DEFAULT_PREFERENCES.largeText);
  /**
   * When true, the DM session runner asks the user (through `PromptsState.confirm`) before a
   * server command makes an instance Active or Locked, and refuses the command when they say no.
   */
  confirmOperatorChanges = $state(DEFAULT_PREFERENCES.confirmOperatorChanges);
  /** A problem storing the preferences, shown in Settings > Display. */
  error = $state<string | null>(null);
  readonly #device: Pick<DeviceState, 'opened' | 'db'>;

  constructor(device: Pick<DeviceState, 'opened' | 'db'>) {
    this.#device = device;
  }

  async load(): Promise<void> {
    try {
      await this.#device.opened;
      const db = this.#device.db;
      if (!db) throw new Error("the handset's storage is not open");
      this.#apply(await loadPreferences(db));
    } catch (error) {
      this.error = `Display settings could not be read: ${(error as Error).message}`;
    }
  }

  get value(): Preferences {
    return {
      theme: this.theme,
      largeText: this.largeText,
      confirmOperatorChanges: this.confirmOperatorChanges,
    };
  }

  /** Changes some preferences and stores them. */
  async set(change: Partial<Preferences>): Promise<void> {
    this.#apply({ ...this.value, ...change });
    this.error = null;
    try {
      await this.#device.opened;
      const db = this.#device.db;
      if (!db) throw new Error("the handset's storage is not open");
      await savePreferences(db, this.value);
    } catch (error) {
      this.error = `Not saved: ${(error as Error).message}. The setting applies until the page is reloaded.`;
    }
  }

  #apply(p: Preferences): void {
    this.theme = p.theme;
    this.largeText = p.largeText;
    this.confirmOperatorChanges = p.confirmOperatorChanges;
  }
}
