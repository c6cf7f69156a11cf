/**
 * The listeners of one state class's events (the flow runner and recorder listen to prompts,
 * provisioning, sessions and settings). Copy on write: a listener that unsubscribes while being
 * told does not make the others miss the event.
 */
export class Listeners<L> {
  #list: readonly L[] = [];

  /** Adds a listener; returns the unsubscribe function. */
  add(listener: L): () => void {
    this.#list = [...this.#list, listener];
    return () => {
      this.#list = this.#list.filter((l) => l !== listener);
    };
  }

  /** Tells every listener added so far. */
  each(tell: (listener: L) => void): void {
    for (const l of this.#list) tell(l);
  }
}
