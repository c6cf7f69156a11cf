import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { parseDeviceState, serializeDeviceState } from '../../../src/core/device/state-document.ts';
import { captureIo } from '../../support/capture-io.ts';
import { sampleState, T0 } from './fixtures.ts';

describe('the CLI and a browser export (state document v2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ota-state-v2-'));

  it('reads it and, writing it back, keeps the inbox, traces and settings it does not use', async () => {
    const file = join(dir, 'browser.json');
    writeFileSync(file, serializeDeviceState(sampleState(), T0));
    const io = captureIo();
    expect(await main(['tree', 'get', './DevInfo/DevId', '--state', file], io)).toBe(0);
    expect(io.stdout()).toContain('IMEI:490154203237518');

    expect(await main(['device', 'init', '--state', file, '--name', 'Renamed by CLI'], captureIo())).toBe(0);
    const after = parseDeviceState(readFileSync(file, 'utf8'));
    expect(after.identity.name).toBe('Renamed by CLI');
    const before = sampleState();
    expect(after.inbox).toEqual(before.inbox);
    expect(after.traces).toEqual(before.traces);
    expect(after.settings).toEqual(before.settings);
  });

  it('refuses a newer file with exit 2 and leaves it untouched', async () => {
    const file = join(dir, 'newer.json');
    const text = serializeDeviceState(sampleState(), T0).replace('"version": 2', '"version": 3');
    writeFileSync(file, text);
    const io = captureIo();
    expect(await main(['device', 'init', '--state', file, '--name', 'x'], io)).toBe(2);
    expect(io.stderr()).toContain('newer than this ota-handset reads');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
