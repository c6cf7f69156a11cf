/** The flow validator: every problem with its place in the file and a reason. */
import { describe, expect, it } from 'vitest';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatFlowProblems, parseFlow, validateFlow } from '../../../src/core/flow/validate.ts';
import { ROOT } from './support.ts';

const base = { format: 'ota-handset-flow/1', name: 'x' };
const problems = (value: unknown) => {
  const v = validateFlow(value);
  return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
};

describe('validateFlow', () => {
  it('accepts every shipped example flow', async () => {
    const dir = resolve(ROOT, 'examples/flows');
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files)
      expect(problems(JSON.parse(await readFile(resolve(dir, f), 'utf8'))), f).toEqual([]);
  });

  it('refuses what is not a flow', () => {
    expect(problems(null)).toEqual(['$: must be an object']);
    expect(problems({ ...base, format: 'ota-handset-flow/2', steps: [] })).toEqual([
      '$.format: must be "ota-handset-flow/1", got "ota-handset-flow/2"',
      '$.steps: must be a non-empty list of steps',
    ]);
    expect(problems({ format: 'ota-handset-flow/1', steps: [{ type: 'connect', serverId: 'a' }] })).toEqual([
      '$.name: is required',
    ]);
  });

  it('names the step and the field of each problem', () => {
    const errors = problems({
      ...base,
      steps: [
        { type: 'connect' },
        { type: 'cp', payload: { hex: 'abc' }, pin: 1234 },
        { type: 'cp', payload: { hex: '00', file: 'x' } },
        { type: 'assert', tree: [{ uri: 'MMS/x', active: 'yes' }] },
        { type: 'assert', tree: [{ uri: './MMS/x' }] },
        { type: 'answer', answers: ['maybe', { choice: [0] }, { text: 'a', choice: [1] }] },
        { type: 'user-change', uri: './MMS/x/Addr' },
        { type: 'connect', serverId: 'a', expect: { outcome: 'done', statuses: [{ target: './x' }] } },
        {
          type: 'connect',
          serverId: 'a',
          faults: [{ kind: 'status', target: './x', status: 99 }, { kind: 'boom' }],
        },
        { type: 'teleport' },
        { type: 'assert', tree: [{ uri: './x', exists: false, equals: 'a' }], extra: 1 },
        { type: 'notification' },
      ],
    });
    expect(errors).toEqual([
      '$.steps[0].serverId: is required',
      '$.steps[1].payload.hex: has an odd number of hex digits',
      '$.steps[1].pin: must be a string',
      '$.steps[2].payload: give exactly one of hex, base64 or file',
      '$.steps[3].tree[0].uri: "MMS/x" must be a URI relative to the root, starting with "./"',
      '$.steps[3].tree[0].active: must be true or false',
      '$.steps[4].tree[0]: says nothing to check besides the uri',
      '$.steps[5].answers[0]: must be yes, no, ok, cancel, timeout or an object, got "maybe"',
      '$.steps[5].answers[1].choice: must be a non-empty list of choice numbers from 1',
      '$.steps[5].answers[2]: give exactly one of text, choice or operatorChange',
      '$.steps[6].value: is required for a replace',
      '$.steps[7].expect.outcome: must be one of completed, failed, aborted-by-server, aborted-by-client, got "done"',
      '$.steps[7].expect.statuses[0].status: is required',
      '$.steps[8].faults[0].status: must be a whole number 100-599',
      '$.steps[8].faults[1].kind: must be status, drop or delay, got "boom"',
      '$.steps[9].type: must be one of cp, notification, connect, answer, user-change, push, scenario, assert, got "teleport"',
      '$.steps[10].extra: unknown field; allowed: type, title, tree, session',
      '$.steps[10].tree[0]: a node expected absent cannot have other checks',
      '$.steps[11]: give either payload (package 0 bytes) or build (fields)',
    ]);
  });

  it('parseFlow reports bad JSON; problems format as file: path: reason', () => {
    const v = parseFlow('{"format":', 'f.json');
    expect(v.ok).toBe(false);
    if (!v.ok) {
      expect(v.errors[0]!.message).toMatch(/^f\.json is not valid JSON/);
      expect(formatFlowProblems([{ path: '$.a', message: 'b' }], 'f.json')).toBe('f.json: $.a: b');
    }
  });

  it('the JSON schema lists the same step types and is valid JSON', async () => {
    const schema = JSON.parse(await readFile(resolve(ROOT, 'docs/flow.schema.json'), 'utf8'));
    const types = (schema.$defs.step.oneOf as { $ref: string }[]).map((r) => r.$ref.split('/').pop());
    expect(types.sort()).toEqual(
      [
        'answerStep',
        'assertStep',
        'connectStep',
        'cpStep',
        'notificationStep',
        'pushStep',
        'scenarioStep',
        'userChangeStep',
      ].sort(),
    );
  });
});
