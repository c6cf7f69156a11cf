/**
 * The page's entry: starts reading the remembered handset's database, then loads the app.
 * IndexedDB reads the tree in the background while the main thread fetches, compiles and
 * mounts the UI, instead of after it (decision 0172). Keep this module's imports small.
 */
import './ui/app.css';
import { startHandsetRead } from './adapters/db.ts';
import { browserLastShownProfile } from './adapters/last-shown-profile.ts';

const remembered = browserLastShownProfile()?.read() ?? null;
const read = remembered ? startHandsetRead(remembered.dbName) : null;

import('./main.ts')
  .then(({ startApp }) => startApp(read))
  .catch((error: unknown) => {
    // Offline before the service worker cached the app, or the server stopped mid-load.
    const app = document.getElementById('app');
    if (app)
      app.textContent = `ota-handset could not load: ${(error as Error).message}. Reload the page when the server is reachable.`;
  });
