import { Workbox } from 'workbox-window';

/**
 * The service worker that precaches the app shell (offline use). A new build waits until the
 * user agrees to reload, so a demo is never interrupted by an update.
 */
export class AppUpdateState {
  offlineReady = $state(false);
  updateWaiting = $state(false);
  #wb: Workbox | null = null;

  register(): void {
    if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
    this.#wb = new Workbox(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL });
    this.#wb.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    this.#wb.addEventListener('waiting', () => (this.updateWaiting = true));
    this.#wb.addEventListener('controlling', () => window.location.reload());
    void this.#wb.register();
  }

  applyUpdate(): void {
    this.#wb?.messageSkipWaiting();
  }
}
