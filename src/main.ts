import { mount } from 'svelte';
import './ui/app.css';
import App from './ui/App.svelte';
import { appContext } from './ui/context.ts';
import { AppState } from './state/app.svelte.ts';

const app = new AppState();
app.update.register();
void app.device.load();

mount(App, { target: document.getElementById('app')!, context: appContext(app) });
