import type { DeviceActivity } from './device.svelte.ts';

/**
 * The status bar's activity with the phone's dialogs on top (decision 0155). While a dialog is
 * open the bar says "Waiting for you"; changes made meanwhile (a session ends under a PIN dialog)
 * go underneath and show when the last dialog closes, instead of being dropped, which used to
 * leave "Session active" after the session had ended.
 */
export interface ActivityLayers {
  /** What the status bar shows. */
  shown: DeviceActivity;
  /** What shows once the dialogs close; null while no dialog is open. */
  underneath: DeviceActivity | null;
}

/** A dialog opens (the first one; further ones change nothing). */
export function dialogOpened(layers: ActivityLayers): ActivityLayers {
  if (layers.underneath !== null) return layers;
  return { shown: 'waiting-for-you', underneath: layers.shown };
}

/** The last dialog closes: what was set underneath shows. */
export function dialogsClosed(layers: ActivityLayers): ActivityLayers {
  if (layers.underneath === null) return layers;
  return { shown: layers.underneath, underneath: null };
}

/** Something else (a session, notifications) sets the activity: shown now, or after the dialogs. */
export function activitySet(layers: ActivityLayers, next: DeviceActivity): ActivityLayers {
  if (layers.underneath === null) return { shown: next, underneath: null };
  return { shown: layers.shown, underneath: next };
}
