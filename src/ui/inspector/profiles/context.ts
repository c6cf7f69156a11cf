import { getContext } from 'svelte';
import type { ProfilesState } from '../../../state/profiles.svelte.ts';

const key = Symbol('profiles-state');

/** Context entries that make the handsets (device profiles) reachable through `useProfiles()`. */
export function profilesContext(profiles: ProfilesState): [symbol, ProfilesState] {
  return [key, profiles];
}

export function useProfiles(): ProfilesState {
  return getContext<ProfilesState>(key);
}
