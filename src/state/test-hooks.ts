/**
 * Development and end-to-end hooks, installed by main.ts only when the page URL has
 * `?testhooks=1` (loaded as a separate chunk, so a normal visit never runs it). They let a test
 * create and lock MO instances as a DM server or the device would, and drive the phone's dialogs,
 * before the CP and DM flows exist. Not an interface for users: the CLI and flow files are.
 */
import { parseUserInteraction, type UserAnswer } from '../core/dm/alerts.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import { DEVICE, LOCAL_USER, server } from '../core/tree/types.ts';
import type { AppState } from './app.svelte.ts';

export interface OtaTestHooks {
  /** The management tree once the handset has started (null before first run). */
  readonly tree: ManagementTree | null;
  readonly app: AppState;
  readonly prompts: AppState['prompts'];
  readonly notifications: AppState['notifications'];
  readonly principals: { DEVICE: typeof DEVICE; LOCAL_USER: typeof LOCAL_USER; server: typeof server };
  /**
   * Shows a DM user-interaction alert built from its wire parts, e.g.
   * `alert(1101, 'MAXDT=30&DR=0', 'Use the new MMS settings?')`; resolves with the answer.
   */
  alert(code: number, options: string, text: string, choices?: string[]): Promise<UserAnswer>;
}

declare global {
  interface Window {
    __otaTestHooks?: OtaTestHooks;
  }
}

export function installTestHooks(app: AppState): void {
  let cmdId = 100;
  window.__otaTestHooks = {
    get tree() {
      return app.device.tree;
    },
    app,
    prompts: app.prompts,
    notifications: app.notifications,
    principals: { DEVICE, LOCAL_USER, server },
    alert(code, options, text, choices = []) {
      const parsed = parseUserInteraction({
        kind: 'Alert',
        CmdID: String(cmdId++),
        Data: code,
        Items: [{ Data: options }, { Data: text }, ...choices.map((c) => ({ Data: c }))],
      });
      if (!parsed.ok) return Promise.reject(new Error(parsed.reason));
      return app.prompts.ask(parsed.request);
    },
  };
}
