/**
 * Scenario files (docs/scenarios.md, decision 0071): every shipped scenario validates, bad files
 * get errors naming the JSON path, and the engine batches, waits, skips and stops as documented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioRun } from '../../../src/core/dm-server/engine.ts';
import { validateScenario, type Scenario } from '../../../src/core/dm-server/scenario.ts';
import { SHIPPED_SCENARIO_DIR, loadScenarios } from '../../../src/server/dm-server.ts';
import { captureIo } from '../../support/capture-io.ts';

const base = { format: 'ota-handset-scenario/1', name: 'test', title: 'Test' };

function valid(json: unknown): Scenario {
  const r = validateScenario(json);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.scenario;
}

function errors(json: unknown): string[] {
  const r = validateScenario(json);
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('shipped scenarios', () => {
  const files = readdirSync(SHIPPED_SCENARIO_DIR).filter((f) => f.endsWith('.json'));

  it('are the nine of the issue', () => {
    expect(files.length).toBe(9);
  });

  for (const file of files) {
    it(`${file} is valid`, () => {
      const r = validateScenario(JSON.parse(readFileSync(join(SHIPPED_SCENARIO_DIR, file), 'utf8')));
      expect(r.ok ? [] : r.errors).toEqual([]);
    });
  }

  it('load with unique names and no problems', async () => {
    const { scenarios, problems } = await loadScenarios(SHIPPED_SCENARIO_DIR);
    expect(problems).toEqual([]);
    expect([...scenarios.keys()].sort()).toEqual(
      [
        'dm-bootstrap-cp',
        'large-atomic-alerts',
        'lock-active-mms',
        'mms-campaign',
        'mms-campaign-confirm',
        'mms-campaign-locked',
        'notification-ui-modes',
        'poc-provisioning',
        'two-authorities',
      ].sort(),
    );
    // Scenario 7 covers every package 0 UI mode (oma-dm.md §8).
    expect(scenarios.get('notification-ui-modes')!.sessions.map((s) => s.notify?.uiMode)).toEqual([
      'not-specified',
      'background',
      'informative',
      'user-interaction',
    ]);
    // Scenario 8 covers every UI alert (oma-dm.md §9).
    const alerts = scenarios
      .get('large-atomic-alerts')!
      .sessions.flatMap((s) => s.steps.map((st) => st.alert))
      .filter(Boolean);
    expect(alerts).toEqual([1100, 1101, 1102, 1103, 1104]);
  });
});

describe('validation errors name the path', () => {
  it('rejects what is not a scenario', () => {
    expect(errors([])).toEqual(['$: a scenario is a JSON object']);
    expect(errors({ ...base, format: 'x', steps: [] })).toContain(
      '$.format: must be "ota-handset-scenario/1"',
    );
    expect(errors({ ...base, name: 'Bad Name', steps: [] })[0]).toMatch(/^\$\.name: /);
    expect(errors({ ...base })).toEqual([
      '$.sessions: is required: a non-empty list of sessions (or give "steps" for one session)',
    ]);
    expect(errors({ ...base, steps: [], extra: 1 })[0]).toMatch(/^\$\.extra: unknown field/);
  });

  it('checks commands, items, alerts, statuses and references', () => {
    const e = errors({
      ...base,
      steps: [
        { command: 'Frobnicate' },
        { command: 'Replace', items: [] },
        { command: 'Add', items: [{ target: 'MMS/x' }] },
        { command: 'Get', items: [{ target: './A', data: 'x' }] },
        { command: 'Alert', alert: 1200, text: 'hi' },
        { command: 'Alert', alert: 1103, text: 'pick' },
        { command: 'Replace', expect: [99], items: [{ target: './A', data: '1' }] },
        { command: 'Replace', items: [{ target: './MMS/${nope.data}', data: '${vars.missing}' }] },
        { command: 'Get', when: { step: 'later', status: 200 }, items: [{ target: './A' }] },
        { id: 'later', command: 'Atomic', commands: [{ command: 'Get', items: [{ target: './A' }] }] },
        { id: 'later', command: 'Get', items: [{ target: './A', format: 'weird' }] },
      ],
    });
    expect(e).toEqual(
      expect.arrayContaining([
        '$.steps[0].command: "Frobnicate" is not one of Add, Replace, Delete, Get, Exec, Copy, Alert, Atomic, Sequence',
        '$.steps[1].items: Replace needs a non-empty list of items',
        '$.steps[2].items[0].target: "MMS/x" must be a URI relative to the root, starting with "./"',
        '$.steps[3].items[0].data: Get carries no data',
        '$.steps[4].alert: must be a user-interaction alert code: 1100, 1101, 1102, 1103, 1104',
        '$.steps[5].choices: alert 1103 needs at least one choice',
        '$.steps[6].expect[0]: must be a status code 100-599, got 99',
        '$.steps[7].items[0].target: ${nope.data}: no earlier step with id "nope"',
        '$.steps[7].items[0].data: ${vars.missing}: no variable "missing" in vars',
        '$.steps[8].when.step: no earlier step with id "later"',
        '$.steps[9].commands[0].command: Get inside Atomic is not allowed (oma-dm.md §5: the Atomic fails with 500)',
        '$.steps[10].id: duplicate step id "later"',
        '$.steps[10].items[0].format: "weird" is not a DM format (chr, node, int, bool, b64, bin, xml, ...)',
      ]),
    );
  });

  it('checks pushes', () => {
    const e = errors({
      ...base,
      pushes: [
        { kind: 'cp', sec: 'USERPIN', document: [{ type: 'APPLICATION', parms: { APPID: 5 } }] },
        { kind: 'sms' },
        { kind: 'cp-bootstrap', sec: 'USERPINMAC', pin: '12' },
      ],
      steps: [],
    });
    expect(e).toEqual(
      expect.arrayContaining([
        '$.pushes[0].pin: is required with sec USERPIN',
        '$.pushes[0].document[0].parms.APPID: must be a string, or null for a presence parameter',
        '$.pushes[1].kind: "sms" is not one of cp, cp-bootstrap, dm-bootstrap',
        '$.pushes[2].pin: USERPINMAC needs a PIN of 5-20 digits (the user then types the PIN and as many MAC digits)',
      ]),
    );
  });
});

describe('the engine', () => {
  const ctx = { devId: 'IMEI:1', serverId: 'srv', sessionId: '1', serverUri: 'http://x/dm' };

  it('sends steps together until one must wait for a result, then resolves ${step.data}', () => {
    const run = new ScenarioRun(
      valid({
        ...base,
        steps: [
          { id: 'a', command: 'Get', items: [{ target: './MMS?prop=Active' }] },
          { id: 'b', command: 'Get', items: [{ target: './DevInfo/Mod' }] },
          {
            id: 'lock',
            command: 'Replace',
            when: { step: 'a', dataNot: '' },
            items: [{ target: './MMS/${a.data}?prop=Locked', data: 'true' }],
          },
        ],
      }),
    );
    run.begin(ctx);
    const first = run.nextBatch();
    expect(first.map((p) => p.key)).toEqual(['0.0', '0.1']);
    expect(run.nextBatch()).toEqual([]);
    run.record('0.0', { status: 200, data: 'Op' });
    run.record('0.1', { status: 200, data: 'X' });
    const second = run.nextBatch();
    expect(second.map((p) => p.command)).toMatchObject([
      { kind: 'Replace', Items: [{ Target: { LocURI: './MMS/Op?prop=Locked' }, Data: 'true' }] },
    ]);
    run.record('0.2', { status: 200 });
    run.end();
    expect(run.state).toBe('passed');
  });

  it('skips a step whose condition is false, and stops on an unexpected status', () => {
    const run = new ScenarioRun(
      valid({
        ...base,
        steps: [
          { id: 'ask', command: 'Alert', alert: 1101, text: 'OK?' },
          {
            id: 'yes',
            command: 'Add',
            when: { step: 'ask', status: 200 },
            items: [{ target: './A', format: 'node' }],
          },
          { id: 'x', command: 'Replace', items: [{ target: './B', data: '1' }] },
          { id: 'y', command: 'Replace', newPackage: true, items: [{ target: './C', data: '1' }] },
        ],
      }),
    );
    run.begin(ctx);
    expect(run.nextBatch().map((p) => p.key)).toEqual(['0.0']);
    run.record('0.0', { status: 304 });
    expect(run.nextBatch().map((p) => p.key)).toEqual(['0.2']);
    run.record('0.2', { status: 404 });
    expect(run.nextBatch()).toEqual([]);
    run.end();
    expect(run.state).toBe('failed');
    expect(run.reason).toMatch(/status 404, expected 200/);
    expect(run.log.find((l) => l.key === '0.1')?.skipped).toBe('condition');
  });

  it('a session that ends before every step ran fails the run; snapshots survive JSON', () => {
    const run = new ScenarioRun(
      valid({
        ...base,
        sessions: [
          { steps: [{ command: 'Get', items: [{ target: './A' }] }] },
          { steps: [{ command: 'Get', items: [{ target: './B' }] }] },
        ],
      }),
    );
    run.begin(ctx);
    run.nextBatch();
    run.record('0.0', { status: 200, data: 'v' });
    run.end();
    expect(run.state).toBe('pending');
    const again = ScenarioRun.fromSnapshot(JSON.parse(JSON.stringify(run.snapshot())));
    expect(again.sessionIndex).toBe(1);
    again.begin(ctx);
    again.nextBatch();
    again.end('the device went away');
    expect(again.state).toBe('failed');
    expect(again.reason).toBe('the device went away');
  });
});

describe('ota-handset server --validate', () => {
  it('exits 0 for valid files and 2 with the path of each problem otherwise', async () => {
    const { serverVerb } = await import('../../../src/cli/verbs/server.ts');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'scenario-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...base, steps: [{ command: 'Get' }] }));
    const io = captureIo();
    expect(await serverVerb.run(['--validate', join(SHIPPED_SCENARIO_DIR, '01-mms-campaign.json')], io)).toBe(
      0,
    );
    expect(io.stdout()).toMatch(/valid scenario "mms-campaign"/);
    expect(await serverVerb.run(['--validate', bad], io)).toBe(2);
    expect(io.stderr()).toContain('bad.json: $.steps[0].items: Get needs a non-empty list of items');
  });
});
