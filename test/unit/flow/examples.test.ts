/** Every shipped example flow runs green against the in-process reference server. */
import { afterEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
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
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('example flows', () => {
  it('ships the storyboard and at least one flow per feature', () => {
    expect(FILES).toEqual(
      expect.arrayContaining(['storyboard.json', 'server-initiated.json', 'fault-injection.json']),
    );
  });

  it.each(FILES)('%s passes', async (file) => {
    const started = await referenceServer();
    server = started.server;
    const flow = flowOf(JSON.parse(await readFile(resolve(DIR, file), 'utf8')));
    const { report } = await runAgainst(flow, started.base, { loadFile: fileLoader(DIR) });
    expect(report.passed, failuresOf(report) + formatFlowReport(report)).toBe(true);
    expect(report.steps).toHaveLength(flow.steps.length);
  });
});
