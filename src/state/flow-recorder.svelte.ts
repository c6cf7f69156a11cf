/**
 * Record (issue #9): while on, what the tester does on the phone becomes flow steps — CP
 * messages and their PIN / Accept / Reject, notifications, sessions and the answers to their
 * prompts, changes in Settings — plus the assertions added from the inspector. The steps are
 * made by the pure FlowRecording (flow-recording.ts); this class only listens to the states'
 * events and exposes the result reactively. One recorder per handset (recorderFor).
 */
import type { TreeAssertion, FlowStep } from '../core/flow/types.ts';
import type { UserAnswer } from '../core/dm/alerts.ts';
import type { AppState } from './app.svelte.ts';
import { FlowRecording } from './flow-recording.ts';
import { isOperatorChangeQuestion } from './operator-change-prompt.ts';

export class FlowRecorderState {
  recording = $state(false);
  /** A copy of the steps so far, for the list. */
  steps = $state.raw<FlowStep[]>([]);
  notes = $state.raw<string[]>([]);
  #recording = new FlowRecording();
  #stop: (() => void)[] = [];
  readonly #app: AppState;

  constructor(app: AppState) {
    this.#app = app;
  }

  #changed(): void {
    this.steps = structuredClone(this.#recording.steps);
    this.notes = [...this.#recording.notes];
  }

  start(): void {
    if (this.recording) return;
    const app = this.#app;
    const r = this.#recording;
    const provisioning = app.provisioning;
    if (provisioning)
      this.#stop.push(
        provisioning.listen((e) => {
          if (e.kind === 'received') r.cpReceived(e.record);
          else if (e.kind === 'pin') r.cpPin(e.record, e.pin);
          else r.cpDecided(e.record, e.kind === 'accepted' ? 'accept' : 'reject');
          this.#changed();
        }),
      );
    this.#stop.push(
      app.sessions.listen((e) => {
        if (e.kind === 'finished') r.sessionFinished(e.trace);
        else r.notificationHandled(e.bytes, e.delivery);
        this.#changed();
      }),
      app.prompts.listen({
        answered: (prompt, value) => {
          if (prompt.source === 'dm') r.promptAnswered(value as UserAnswer);
          else if (prompt.source === 'local' && isOperatorChangeQuestion(prompt.request))
            r.operatorChangeAnswered(value === true);
          else return;
          this.#changed();
        },
      }),
      app.settings.listen((e) => {
        r.userChanged(e.ops, e.statuses);
        this.#changed();
      }),
    );
    this.recording = true;
  }

  stop(): void {
    for (const s of this.#stop) s();
    this.#stop = [];
    this.recording = false;
  }

  addAssertion(assertion: TreeAssertion): void {
    this.#recording.addAssertion(assertion);
    this.#changed();
  }

  removeStep(index: number): void {
    this.#recording.removeStep(index);
    this.#changed();
  }

  /** Forgets every step (recording goes on if it was on). */
  clear(): void {
    this.#recording = new FlowRecording();
    this.#changed();
  }

  /** The flow file as validated JSON text, or the validator's problems. */
  build(meta: { name: string; title?: string }): { text: string; notes: string[] } | { problems: string[] } {
    const built = this.#recording.toFlow({
      ...meta,
      description: 'Recorded in the ota-handset browser emulator.',
    });
    if (!built.ok) return { problems: built.errors.map((e) => `${e.path}: ${e.message}`) };
    return { text: `${JSON.stringify(built.flow, null, 2)}\n`, notes: built.notes };
  }
}

// One recorder per handset: the Flows tab is rebuilt when the inspector is, the recording is not.
const recorders = new WeakMap<AppState, FlowRecorderState>();

export function recorderFor(app: AppState): FlowRecorderState {
  let r = recorders.get(app);
  if (!r) {
    r = new FlowRecorderState(app);
    recorders.set(app, r);
  }
  return r;
}
