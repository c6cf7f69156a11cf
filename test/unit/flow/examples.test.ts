/** The shipped example flows run green against the in-process reference server. */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DmServer } from '../../../src/server/dm-server.ts';
import { formatFlowReport } from '../../../src/core/flow/runner.ts';
import { ROOT, failuresOf, fileLoader, flowOf, referenceServer, runAgainst } from './support.ts';

let server: DmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const DIR = resolve(ROOT, 'examples/flows');

describe('example flows', () => {
  it('storyboard: CP MMS with PIN, w7 bootstrap, confirmed campaign, Locked refusal', async () => {
    const started = await referenceServer();
    server = started.server;
    const flow = flowOf(JSON.parse(await readFile(resolve(DIR, 'storyboard.json'), 'utf8')));
    const { report } = await runAgainst(flow, started.base, { loadFile: fileLoader(DIR) });
    expect(report.passed, failuresOf(report) + formatFlowReport(report)).toBe(true);
    expect(report.steps.map((s) => s.outcome)).not.toContain('failed');
  });
});
