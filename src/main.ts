import { mount } from 'svelte';
import type { HandsetRead } from './adapters/db.ts';
import Root from './ui/Root.svelte';
import { AppUpdateState } from './state/app-update.svelte.ts';
import type { AppState } from './state/app.svelte.ts';
import { ProfilesState } from './state/profiles.svelte.ts';

/** Starts the app; `read` is the remembered handset's storage read that boot.ts began. */
export function startApp(read: HandsetRead | null): void {
  const update = new AppUpdateState();
  update.register();

  // End-to-end and development hooks, only with ?testhooks=1 (src/state/test-hooks.ts); they
  // follow the handset shown, which is a new AppState after every switch of device profile.
  const testHooks = new URLSearchParams(location.search).get('testhooks') === '1';
  const hooks = testHooks ? import('./state/test-hooks.ts') : null;

  const profiles = new ProfilesState({
    update,
    read,
    onAppCreated: hooks
      ? (app: AppState) => void hooks.then((module) => module.installTestHooks(app))
      : undefined,
  });
  void profiles.load();

  mount(Root, { target: document.getElementById('app')!, props: { profiles } });
}
