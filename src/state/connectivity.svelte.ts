/** Whether the browser has a network, for the status bar (DM sessions need one; the app itself does not). */
export class ConnectivityState {
  online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

  constructor() {
    if (typeof window === 'undefined') return;
    window.addEventListener('online', () => (this.online = true));
    window.addEventListener('offline', () => (this.online = false));
  }
}
