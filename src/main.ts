import { mount } from 'svelte';
import './ui/app.css';
import App from './ui/App.svelte';
import { appContext } from './ui/context.ts';
import { AppState } from './state/app.svelte.ts';

const app = new AppState();
app.update.register();
void app.start();

// End-to-end and development hooks, only with ?testhooks=1 (src/state/test-hooks.ts).
if (new URLSearchParams(location.search).get('testhooks') === '1') {
  void import('./state/test-hooks.ts').then((hooks) => hooks.installTestHooks(app));
}

mount(App, { target: document.getElementById('app')!, context: appContext(app) });
