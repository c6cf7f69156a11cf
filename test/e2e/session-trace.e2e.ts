/**
 * The inspector's Sessions tab against the real reference DM server (started here, in
 * memory): a client-initiated session, its trace (timeline, XML, bytes, statuses in words,
 * export), the trace after a reload, package 0 entry (refused, delivered), a large trace.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, seed, startHandset } from './handset-support.ts';
import { DmServer, loadScenarios, SHIPPED_SCENARIO_DIR } from '../../src/server/dm-server.ts';
import { DeviceStore } from '../../src/server/device-store.ts';
import { listen } from '../../src/server/listen.ts';
import { buildPackage0 } from '../../src/core/dm/package0.ts';
import { toBase64, toHex, encodeUtf8 } from '../../src/core/bytes/index.ts';
import {
  TRACE_VERSION,
  type SessionTrace,
  type TraceCommand,
  type TraceMessage,
} from '../../src/core/dm/trace.ts';

const baseUrl = inject('baseUrl');

/** Basic client credentials with the server's documented demo secret (decision 0070). */
function accountOps(key: string, serverId: string, name: string, url: string, serverSecret?: string) {
  const base = `./DMAcc/${key}`;
  const ops = [
    { op: 'add' as const, uri: `${base}/AppID`, value: 'w7' },
    { op: 'add' as const, uri: `${base}/ServerID`, value: serverId },
    { op: 'add' as const, uri: `${base}/Name`, value: name },
    { op: 'add' as const, uri: `${base}/AppAddr/1/Addr`, value: url },
    { op: 'add' as const, uri: `${base}/AppAddr/1/AddrType`, value: 'URI' },
    { op: 'add' as const, uri: `${base}/AppAuth/cl/AAuthLevel`, value: 'CLCRED' },
    { op: 'add' as const, uri: `${base}/AppAuth/cl/AAuthType`, value: 'BASIC' },
    { op: 'add' as const, uri: `${base}/AppAuth/cl/AAuthName`, value: 'e2e-phone' },
    { op: 'add' as const, uri: `${base}/AppAuth/cl/AAuthSecret`, value: 'ota-demo-client' },
  ];
  if (serverSecret !== undefined)
    ops.push(
      { op: 'add', uri: `${base}/AppAuth/srv/AAuthLevel`, value: 'SRVCRED' },
      { op: 'add', uri: `${base}/AppAuth/srv/AAuthType`, value: 'DIGEST' },
      { op: 'add', uri: `${base}/AppAuth/srv/AAuthName`, value: serverId },
      { op: 'add', uri: `${base}/AppAuth/srv/AAuthSecret`, value: serverSecret },
    );
  return ops;
}

async function openSessionsTab(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show inspector' }).click();
  await page.getByRole('tab', { name: 'Provisioning' }).click();
  // The tabs move with the arrow keys, like the other inspector tabs.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected')).resolves.toBe(
    'true',
  );
}

function spacedHex(bytes: Uint8Array): string {
  return (toHex(bytes).match(/../g) ?? []).join(' ');
}

describe('Sessions tab and trace viewer', () => {
  let dm: DmServer;
  let dmUrl: string;
  let page: Page;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
    dm = new DmServer({
      store: DeviceStore.memory(),
      scenarios,
      defaultScenario: 'mms-campaign',
      allowedOrigins: ['*'],
    });
    const port = await listen(dm.server, 0, '127.0.0.1', 'e2e DM server');
    dmUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => dm.close());

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, baseUrl);
  });
  afterEach(async () => close());

  it('runs a session from the tab, explains its trace, exports it and shows it again after a reload', async () => {
    await seed(page, accountOps('op', 'ota-operator', 'Example Operator', `${dmUrl}/dm`));
    await openSessionsTab(page);
    await page.getByText('DM accounts (1)').waitFor();
    await screenshot(page, 'sessions-tab');
    await expectAccessible(page, 'the Sessions tab');

    await page.getByRole('button', { name: 'Connect to Example Operator' }).click();
    const viewer = page.getByRole('region', { name: /^Session \S+ with Example Operator/ });
    await viewer.waitFor({ timeout: 30_000 });
    await expect(viewer.getByTestId('trace-outcome').textContent()).resolves.toContain('Completed');
    await page
      .getByRole('list', { name: 'Stored session traces, newest first' })
      .getByText('Completed')
      .waitFor();

    // Export first: the JSON tells the test what the viewer must explain.
    const dir = mkdtempSync(join(tmpdir(), 'ota-trace-'));
    const download = page.waitForEvent('download');
    await viewer.getByRole('button', { name: 'Export trace (JSON)' }).click();
    const file = join(dir, 'trace.json');
    const saved = await download;
    expect(saved.suggestedFilename()).toMatch(/^dm-trace-ota-operator-\d{8}-\d{6}\.json$/);
    await saved.saveAs(file);
    const trace = JSON.parse(readFileSync(file, 'utf8')) as SessionTrace & { id?: string };
    rmSync(dir, { recursive: true, force: true });
    expect(trace.version).toBe(TRACE_VERSION);
    expect(trace.outcome).toBe('completed');
    expect(trace.id).toBeUndefined();
    expect(trace.messages.length).toBeGreaterThanOrEqual(4);
    const added = trace.commands.find(
      (c) => c.from === 'server' && c.kind === 'Add' && c.statuses.length > 0,
    );
    expect(added, 'the campaign Add was answered').toBeDefined();
    const status = added!.statuses[0]!;

    // A status code is named and explained in words next to its command.
    const table = viewer.getByRole('table', { name: 'Commands paired with their statuses and results' });
    await table.getByText(`${status.code} ${status.text}`).first().waitFor();
    await table.getByText(status.meaning).first().waitFor();
    await expect(viewer.textContent()).resolves.toContain(`${trace.messages.length} messages`);

    // Message 1 (package 1): its XML, collapsible, and its exact bytes.
    await viewer.getByRole('button', { name: /^Show XML of message 1 \(handset → server\)/ }).click();
    const xml = viewer.getByRole('group', { name: 'XML of message 1 (handset → server)' });
    await xml.getByText('<SyncHdr>').first().waitFor();
    const hdr = xml.locator('summary', { hasText: '<SyncHdr>' }).first();
    await hdr.focus();
    await page.keyboard.press('Enter');
    await expect(hdr.locator('xpath=..').getAttribute('open')).resolves.toBeNull();
    await expect(hdr.textContent()).resolves.toMatch(/elements? …<\/SyncHdr>/);
    await page.keyboard.press('Space');
    await expect(hdr.locator('xpath=..').getAttribute('open')).resolves.toBe('');
    await screenshot(page, 'sessions-trace-open');

    await viewer.getByRole('button', { name: /^Show bytes of message 1 \(handset → server\)/ }).click();
    const dump = viewer.getByRole('region', { name: 'Hex dump of message 1 (handset → server)' });
    const dumpText = (await dump.textContent()) ?? '';
    const first = trace.messages[0]!;
    const firstBytes = Uint8Array.from(Buffer.from(first.bodyBase64, 'base64'));
    expect(dumpText.split('\n')[0]).toBe(
      `00000000  ${spacedHex(firstBytes.subarray(0, 8))}  ${spacedHex(firstBytes.subarray(8, 16))}  |${Buffer.from(
        firstBytes.subarray(0, 16),
      )
        .toString('latin1')
        .replace(/[^\x20-\x7e]/g, '.')}|`,
    );
    expect(dumpText.split('\n')).toHaveLength(Math.ceil(firstBytes.length / 16));
    await dump.scrollIntoViewIfNeeded();
    await screenshot(page, 'sessions-trace-bytes');
    await expectAccessible(page, 'the trace viewer with XML and bytes open');
    // Projector settings: dark theme and large text keep every colour readable (axe checks contrast).
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
      document.documentElement.setAttribute('data-large-text', '');
    });
    await screenshot(page, 'sessions-trace-dark-large');
    await expectAccessible(page, 'the trace viewer, dark theme, large text');

    // Stored in IndexedDB: after a reload the trace is listed and opens, no server needed.
    await dm.close();
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    if (await page.getByRole('button', { name: 'Show inspector' }).isVisible()) {
      await page.getByRole('button', { name: 'Show inspector' }).click();
    }
    await page.getByRole('tab', { name: 'Sessions' }).click();
    const list = page.getByRole('list', { name: 'Stored session traces, newest first' });
    await list
      .getByRole('button', { name: /Example Operator/ })
      .first()
      .click();
    await page
      .getByRole('region', { name: new RegExp(`^Session ${trace.SessionID} with Example Operator`) })
      .waitFor();
    await expect(page.getByRole('list', { name: 'Messages' }).getByRole('listitem').count()).resolves.toBe(
      trace.messages.length,
    );
    // The server is restarted for the other tests.
    const { scenarios } = await loadScenarios(SHIPPED_SCENARIO_DIR);
    dm = new DmServer({
      store: DeviceStore.memory(),
      scenarios,
      defaultScenario: 'mms-campaign',
      allowedOrigins: ['*'],
    });
    await listen(dm.server, Number(new URL(dmUrl).port), '127.0.0.1', 'e2e DM server');
  });

  it('decodes a pasted package 0, refuses a wrong digest and delivers a right one', async () => {
    await seed(
      page,
      accountOps('ent', 'ota-enterprise', 'Example Enterprise', `${dmUrl}/dm/enterprise`, 'srv-secret'),
    );
    await openSessionsTab(page);
    const fields = {
      uiMode: 'user-interaction' as const,
      initiator: 'server' as const,
      sessionId: 0x2a,
      serverId: 'ota-enterprise',
    };
    // No stored nonce for the server: the digest verifies with the fallback nonce (four zero bytes).
    const good = buildPackage0(fields, { password: 'srv-secret', nonce: new Uint8Array(4) });
    const bad = buildPackage0(fields, { password: 'not-the-secret', nonce: new Uint8Array(4) });
    const entry = page.getByRole('region', { name: 'Deliver a notification (package 0)' });
    // The app is served with /ota-config.json naming the global DM server: its push channel opens.
    await page.getByTestId('push-status').getByText('Connected').waitFor({ timeout: 15_000 });
    const box = page.getByLabel('Package 0 (hex)');
    const check = entry.getByTestId('notification-check');

    await box.fill('00 01 02');
    await check.getByText(/Malformed/).waitFor();
    await expect(check.textContent()).resolves.toContain('Reading stopped at byte offset 3');

    await box.fill(spacedHex(bad).replace(/(.{48})/g, '$1\n'));
    await check.getByText(/Wrong digest/).waitFor();
    await expect(check.textContent()).resolves.toContain('User interaction: ask the user before connecting');
    await expect(check.textContent()).resolves.toContain('SessionID 2A');
    await screenshot(page, 'sessions-notification-bad');
    await entry.getByRole('button', { name: 'Deliver to handset' }).click();
    const outcome = entry.getByTestId('notification-outcome');
    await outcome.getByText('Refused by the handset').waitFor();
    await expect(outcome.textContent()).resolves.toContain('digest-mismatch');

    await box.fill(spacedHex(good));
    await check.getByText(/Verified: the digest matches/).waitFor();
    await expect(check.textContent()).resolves.toContain('fallback nonce');
    await screenshot(page, 'sessions-notification-good');
    await expectAccessible(page, 'the notification entry');
    await entry.getByRole('button', { name: 'Deliver to handset' }).click();
    // User-interaction mode: the phone asks first.
    await page.getByRole('button', { name: 'Allow' }).click();
    await outcome.getByText(/Delivered: the phone asks the user/).waitFor({ timeout: 30_000 });
    await outcome.getByRole('button', { name: 'Open its trace' }).click();
    const viewer = page.getByRole('region', { name: /^Session 2A with Example Enterprise/ });
    await viewer.waitFor();
    await expect(viewer.textContent()).resolves.toContain('the server (notification)');
  });

  it('opens a trace of 120 messages and 1200 commands at once, bodies only on demand', async () => {
    const started = Date.UTC(2025, 10, 21, 10, 42);
    const body = encodeUtf8(
      '<SyncML><SyncHdr><MsgID>1</MsgID></SyncHdr><SyncBody><Final/></SyncBody></SyncML>',
    );
    const messages: TraceMessage[] = Array.from({ length: 120 }, (_, i) => ({
      index: i,
      direction: i % 2 === 0 ? 'out' : 'in',
      time: started + i * 10,
      contentType: 'application/vnd.syncml.dm+xml',
      headers: {},
      size: body.length,
      bodyBase64: toBase64(body),
      text: new TextDecoder().decode(body),
      MsgID: String(Math.floor(i / 2) + 1),
    }));
    const commands: TraceCommand[] = Array.from({ length: 1200 }, (_, i) => ({
      from: 'server',
      MsgID: String((i % 60) + 1),
      CmdID: String(i + 2),
      kind: 'Get',
      targets: [`./Big/${i}`],
      sources: [],
      statuses: [
        {
          code: i % 10 === 0 ? 404 : 200,
          text: i % 10 === 0 ? 'Not found' : 'OK',
          meaning: 'm',
          MsgID: '1',
          CmdID: '1',
          TargetRef: [],
          SourceRef: [],
          items: [],
        },
      ],
      results: [],
    }));
    // An Atomic holding the next command, and a Get answered with Results.
    commands[0] = { ...commands[0]!, kind: 'Atomic', targets: [] };
    commands[1] = {
      ...commands[1]!,
      MsgID: '1',
      parent: '2',
      results: [
        { MsgID: '2', CmdID: '9', items: [{ source: './Big/1', format: 'chr', data: 'value of Big 1' }] },
      ],
    };
    const record = {
      version: TRACE_VERSION,
      id: `${started}-BIG-000000`,
      serverName: 'Big Server',
      SessionID: 'B16',
      serverId: 'big.example',
      accountUri: './DMAcc/big',
      serverUrl: 'http://127.0.0.1:9/dm',
      initiator: 'client',
      encoding: 'xml',
      started,
      ended: started + 5000,
      outcome: 'completed',
      reason: 'synthetic',
      messages,
      commands,
      events: [],
    };
    await page.evaluate(async (record) => {
      const db = window.__otaTestHooks!.app.device.db!;
      await db.put('traces', record as never);
      await db.put('traceSummaries', {
        id: record.id,
        serverId: record.serverId,
        serverName: record.serverName,
        initiator: 'client',
        started: record.started,
        ended: record.ended,
        outcome: 'completed',
        messageCount: record.messages.length,
        commandCount: record.commands.length,
      });
    }, record);
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    if (await page.getByRole('button', { name: 'Show inspector' }).isVisible())
      await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Sessions' }).click();

    const t0 = Date.now();
    await page.getByRole('button', { name: /Big Server/ }).click();
    const viewer = page.getByRole('region', { name: /^Session B16 with Big Server/ });
    await viewer.waitFor();
    const openMs = Date.now() - t0;
    expect(openMs, 'opening the big trace').toBeLessThan(3000);
    await expect(viewer.getByRole('list', { name: 'Messages' }).getByRole('listitem').count()).resolves.toBe(
      120,
    );
    // No message body is in the page until asked for.
    await expect(viewer.getByRole('group', { name: /^XML of message/ }).count()).resolves.toBe(0);
    await viewer.getByText('(inside Atomic 2)').waitFor();
    await viewer.getByRole('cell', { name: /value of Big 1/ }).waitFor();
    const rows = viewer.getByRole('table').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(200);
    await viewer.getByRole('button', { name: /^Show 200 more commands/ }).click();
    await expect(rows.count()).resolves.toBe(400);
    await viewer.getByRole('combobox', { name: 'Show' }).selectOption('problems');
    await expect(viewer.getByRole('status').filter({ hasText: 'commands' }).textContent()).resolves.toBe(
      '120 of 1200 commands',
    );
    console.log(`big trace opened in ${openMs} ms`);
  });
});
