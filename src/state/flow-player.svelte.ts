/**
 * The Flows tab's player: a loaded flow (validated with the core validator), then a run over the
 * browser device step by step ("Next step") or to the end ("Run all"), with the core runner's
 * narration before each step and its report after. Stop ends a run (and any wait for the
 * presenter); the handset keeps what the steps did.
 */
import { bundleFromJson, BundleError, bundlePayloadLoader, looksLikeBundle } from '../core/flow/bundle.ts';
import { FlowRun, narrate } from '../core/flow/runner.ts';
import type { Flow, StepReport } from '../core/flow/types.ts';
import { validateFlow, type FlowProblem } from '../core/flow/validate.ts';
import type { AppState } from './app.svelte.ts';
import { BrowserFlowDevice } from './flow-device.ts';

export interface LoadedFlow {
  /** Where it came from: an example's file name or the picked file's. */
  source: string;
  flow: Flow;
  loadFile: (name: string) => Promise<Uint8Array>;
}

export type PlayerStatus = 'idle' | 'running' | 'paused' | 'finished' | 'stopped';

/**
 * Reads flow (or bundle) text; `files` are the payload files that came with it, by name.
 * Returns the loaded flow or the problems, each with its place in the file.
 */
function readFlow(
  text: string,
  source: string,
  files: (name: string) => Promise<Uint8Array>,
): { ok: true; loaded: LoadedFlow } | { ok: false; problems: FlowProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problems: [{ path: '$', message: `${source} is not valid JSON: ${(error as Error).message}` }],
    };
  }
  if (looksLikeBundle(json)) {
    try {
      const bundle = bundleFromJson(json, source);
      return {
        ok: true,
        loaded: {
          source,
          flow: bundle.flow,
          loadFile: bundlePayloadLoader(bundle),
        },
      };
    } catch (error) {
      if (!(error instanceof BundleError)) throw error;
      return { ok: false, problems: [{ path: '$', message: error.message }] };
    }
  }
  const checked = validateFlow(json);
  if (!checked.ok) return { ok: false, problems: checked.errors };
  return { ok: true, loaded: { source, flow: checked.flow, loadFile: files } };
}

export class FlowPlayer {
  loaded = $state.raw<LoadedFlow | null>(null);
  problems = $state.raw<FlowProblem[]>([]);
  /** Where the problems were found. */
  problemsIn = $state('');
  status = $state<PlayerStatus>('idle');
  reports = $state.raw<StepReport[]>([]);
  /** Index of the step running now, or null. */
  runningIndex = $state<number | null>(null);
  /** Wait for the presenter's answers on the phone instead of answering for them. */
  presenter = $state(false);
  /** Why the run could not start or go on, in words. */
  error = $state<string | null>(null);
  #run: FlowRun | null = null;
  #device: BrowserFlowDevice | null = null;
  #stopAll = false;
  readonly #app: AppState;

  constructor(app: AppState) {
    this.#app = app;
  }

  /** The narration of every step, as the runner tells it. */
  narrations = $derived(this.loaded?.flow.steps.map((s) => narrate(s)) ?? []);
  /** The next step to run, or null when none. */
  nextIndex = $derived(
    this.loaded && this.status !== 'finished' && this.status !== 'stopped' && this.runningIndex === null
      ? this.reports.length < this.loaded.flow.steps.length
        ? this.reports.length
        : null
      : null,
  );
  passed = $derived(this.reports.filter((r) => r.outcome === 'passed' || r.outcome === 'skipped').length);
  failed = $derived(this.reports.filter((r) => r.outcome === 'failed' || r.outcome === 'error').length);

  load(text: string, source: string, files: (name: string) => Promise<Uint8Array>): boolean {
    this.reset();
    const read = readFlow(text, source, files);
    if (!read.ok) {
      this.loaded = null;
      this.problems = read.problems;
      this.problemsIn = source;
      return false;
    }
    this.problems = [];
    this.loaded = read.loaded;
    return true;
  }

  /** Forgets the run (not the flow); the handset keeps what the steps did. */
  reset(): void {
    this.stop();
    this.#run = null;
    this.reports = [];
    this.status = 'idle';
    this.error = null;
  }

  async #ensureRun(): Promise<FlowRun | null> {
    if (this.#run) return this.#run;
    const loaded = this.loaded;
    if (!loaded) return null;
    if (!this.#app.device.tree || !this.#app.provisioning) {
      this.error = 'The handset is not set up yet: finish the first-run screen on the phone.';
      return null;
    }
    const device = new BrowserFlowDevice(this.#app, {
      presenter: this.presenter,
      answerDelayMs: this.presenter ? 0 : 400,
    });
    await device.start();
    this.#device = device;
    this.#run = new FlowRun(loaded.flow, device, { now: () => Date.now(), loadFile: loaded.loadFile });
    return this.#run;
  }

  /** Runs the next step; resolves with its report. */
  async next(): Promise<StepReport | undefined> {
    if (this.runningIndex !== null || this.status === 'finished' || this.status === 'stopped')
      return undefined;
    const run = await this.#ensureRun();
    if (!run || run.done) return undefined;
    this.status = 'running';
    this.runningIndex = this.reports.length;
    let report: StepReport | undefined;
    try {
      report = await run.next();
    } catch (error) {
      this.error = (error as Error).message;
    }
    this.runningIndex = null;
    if (report) this.reports = [...this.reports, report];
    // stop() may have run while the step was awaited.
    const stopped = (this.status as PlayerStatus) === 'stopped';
    if (run.done || this.error) this.#finish(stopped ? 'stopped' : 'finished');
    else if (this.status === 'running') this.status = 'paused';
    return report;
  }

  async runAll(): Promise<void> {
    this.#stopAll = false;
    while (!this.#stopAll && this.nextIndex !== null) {
      await this.next();
      if (this.status === 'finished' || this.status === 'stopped') break;
    }
  }

  stop(): void {
    this.#stopAll = true;
    if (this.#device) {
      this.#device.stop();
      if (this.runningIndex === null) this.#finish('stopped');
      else this.status = 'stopped';
    }
  }

  #finish(status: 'finished' | 'stopped'): void {
    this.status = status;
    this.#device?.dispose();
    this.#device = null;
  }
}
