import { getContext } from 'svelte';
import type { AppState } from '../state/app.svelte.ts';

const key = Symbol('app-state');

/** The context map to mount the app with: every component reaches the state through `useApp()`. */
export function appContext(app: AppState): Map<symbol, AppState> {
  return new Map([[key, app]]);
}

export function useApp(): AppState {
  return getContext<AppState>(key);
}
