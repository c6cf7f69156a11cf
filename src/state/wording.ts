/** Small helpers for the sentences the state classes put in notices. Pure. */

/** Ends a message with exactly one full stop. */
export function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`;
}

/** "1 node", "3 nodes". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
