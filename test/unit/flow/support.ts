/**
 * Flow test support: the in-process reference DM server (shipped scenarios, memory store) and a
 * headless CoreFlowDevice wired to it over HTTP, as `ota-handset flow run --server` does.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { createFetchTransport } from '../../../src/adapters/fetch-transport.ts';
import { parseHex } from '../../../src/core/bytes/index.ts';
import { DEFAULT_IDENTITY, type DeviceIdentity } from '../../../src/core/device/identity.ts';
import { CoreFlowDevice } from '../../../src/core/flow/core-device.ts';
import { runFlow, type FlowRunOptions } from '../../../src/core/flow/runner.ts';
import type { Flow, FlowReport } from '../../../src/core/flow/types.ts';
import { validateFlow } from '../../../src/core/flow/validate.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { DeviceStore } from '../../../src/server/device-store.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios, type DmServer } from '../../../src/server/dm-server.ts';
import { HttpFlowServer, ServerClient } from '../../../src/cli/fleet/server-client.ts';
import { startServer } from '../server/dm-server-client.ts';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const clock = { now: () => Date.now() };
export const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

export async function referenceServer(
  options: { accessToken?: string } = {},
): Promise<{ server: DmServer; base: string }> {
  const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
  return startServer({ scenarios, store: DeviceStore.memory(), ...options });
}

export async function headless(
  base: string | undefined,
  identity: DeviceIdentity = DEFAULT_IDENTITY,
): Promise<{ device: CoreFlowDevice; tree: ManagementTree; close: () => void }> {
  const tree = await ManagementTree.openWithFactory(new MemoryTreeStore(), clock, identity);
  const server = base === undefined ? undefined : new HttpFlowServer(new ServerClient(base));
  const device = new CoreFlowDevice({
    tree,
    identity,
    clock,
    random,
    transport: createFetchTransport({ timeoutMs: 10000 }),
    sleep: (ms) => sleep(ms),
    ...(server ? { server } : {}),
  });
  if (server) await server.open(device.devId);
  return { device, tree, close: () => server?.close() };
}

/** Reads `{file}` payloads relative to `dir` (hex text for .hex files). */
export function fileLoader(dir: string): (name: string) => Promise<Uint8Array> {
  return async (name) => {
    const bytes = await readFile(resolve(dir, name));
    return name.endsWith('.hex')
      ? parseHex(bytes.toString('utf8').replace(/\s/g, ''))
      : new Uint8Array(bytes);
  };
}

export function flowOf(json: unknown): Flow {
  const v = validateFlow(json);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.flow;
}

export async function runAgainst(
  flow: Flow,
  base: string | undefined,
  options: Partial<FlowRunOptions> = {},
): Promise<{ report: FlowReport; tree: ManagementTree; device: CoreFlowDevice }> {
  const h = await headless(base);
  try {
    const report = await runFlow(flow, h.device, { now: clock.now, ...options });
    return { report, tree: h.tree, device: h.device };
  } finally {
    h.close();
  }
}

/** Failed steps with their checks, for readable assertion messages. */
export function failuresOf(report: FlowReport): string {
  return JSON.stringify(
    report.steps
      .filter((s) => s.outcome !== 'passed')
      .map((s) => ({ i: s.index, type: s.type, detail: s.detail, failures: s.failures })),
    null,
    1,
  );
}
