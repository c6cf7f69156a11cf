/**
 * Runs `work` once the browser is idle (at the latest after `timeoutMs`), for start-up work
 * that must not compete with reading the handset's storage. Returns a cancel function.
 */
export function whenIdle(work: () => void, timeoutMs = 1000): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(() => work(), { timeout: timeoutMs });
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(work, 0);
  return () => clearTimeout(id);
}
