/**
 * The page's entry: starts reading the remembered handset's database, then loads the app.
 * IndexedDB reads the tree in the background while the main thread fetches, compiles and
 * mounts the UI, instead of after it (decision 0172). Keep this module's imports small.
 */
import './ui/app.css';
import { discardHandsetRead, startHandsetRead } from './adapters/db.ts';
import { browserLastShownProfile } from './adapters/last-shown-profile.ts';

const remembered = browserLastShownProfile()?.read() ?? null;
const read = remembered ? startHandsetRead(remembered.dbName) : null;

import('./main.ts').then(
  ({ startApp }) => startApp(read),
  (error: unknown) => {
    // Offline before the service worker cached the app, or the server stopped mid-load.
    if (read) discardHandsetRead(read);
    const app = document.getElementById('app');
    const reason = error instanceof Error ? error.message : String(error);
    if (app)
      app.textContent = `ota-handset could not load: ${reason}. Reload the page when the server is reachable.`;
  },
);
