/** Shared steps for the handset end-to-end files: start with test hooks, seed the tree, run axe. */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import type {} from '../../src/state/test-hooks.ts';
import type { TreeOp } from '../../src/core/tree/types.ts';

export const OPERATOR = 'operator.example';

/** First run with the test hooks on; resolves on the home screen. */
export async function startHandset(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}?testhooks=1`);
  await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
  await page.getByLabel('Handset name').fill('Demo phone');
  await page.getByRole('button', { name: 'Start handset' }).click();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
}

/** Applies ops as the device (CP import) or as the operator's DM server, in one batch. */
export async function seed(
  page: Page,
  ops: TreeOp[],
  as: 'device' | 'operator' = 'device',
  origin?: string,
): Promise<void> {
  const result = await page.evaluate(
    async ({ ops, as, origin, operator }) => {
      const hooks = window.__otaTestHooks!;
      const principal = as === 'device' ? hooks.principals.DEVICE : hooks.principals.server(operator);
      return hooks.tree!.batch(principal, ops, origin ? { origin } : {});
    },
    { ops, as, origin, operator: OPERATOR },
  );
  expect(result, JSON.stringify(result)).toMatchObject({ status: 200 });
}

/** A DM account for the operator, an access point, a proxy, and two MMS instances (operator's Active + Default). */
export async function seedOperator(page: Page): Promise<void> {
  await seed(page, [
    { op: 'add', uri: './DMAcc/op/ServerID', value: OPERATOR },
    { op: 'add', uri: './DMAcc/op/Name', value: 'Example Operator' },
    { op: 'add', uri: './DMAcc/op/AppAddr/1/Addr', value: 'https://dm.example.net/dm' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/NapId', value: 'MMS_NAP' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/Name', value: 'Example MMS access' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/Addr', value: 'mms.example.net' },
    { op: 'add', uri: './Conn/NAP/MMS_NAP/AddrType', value: 'APN' },
    { op: 'add', uri: './Conn/PX/P1/ProxyId', value: 'P1' },
    { op: 'add', uri: './Conn/PX/P1/Name', value: 'MMS proxy' },
    { op: 'add', uri: './Conn/PX/P1/PxPhysical/1/PhysicalProxyId', value: 'PHY1' },
    { op: 'add', uri: './Conn/PX/P1/PxPhysical/1/PxAddr', value: '10.0.0.1' },
    { op: 'add', uri: './Conn/PX/P1/PxPhysical/1/Port/1/PortNbr', value: '8080' },
    { op: 'add', uri: './MMS/op/Name', value: 'Example MMS' },
    { op: 'add', uri: './MMS/op/Addr', value: 'http://mmsc.example.net/mms' },
    { op: 'add', uri: './MMS/op/ToProxy', value: './Conn/PX/P1' },
    { op: 'add', uri: './MMS/op/ConRef', value: './Conn/NAP/MMS_NAP' },
    { op: 'add', uri: './MMS/mine/Name', value: 'My MMS' },
    { op: 'add', uri: './MMS/mine/Addr', value: 'http://mine.example.org/mms' },
    { op: 'add', uri: './MMS/mine/ConRef', value: './Conn/NAP/MMS_NAP' },
    { op: 'replace', uri: './MMS/op?prop=Active', value: 'true' },
    { op: 'replace', uri: './MMS/op?prop=Default', value: 'true' },
    { op: 'replace', uri: './MMS?prop=ACL', value: `Add=*&Get=*&Replace=${OPERATOR}&Delete=${OPERATOR}` },
  ]);
}

export async function treeValue(page: Page, uri: string): Promise<string | undefined> {
  return page.evaluate((uri) => window.__otaTestHooks!.tree!.get({ kind: 'local-user' }, uri).value, uri);
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

/** axe-core on the whole page: no serious or critical violations. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ path: 'node_modules/axe-core/axe.min.js' });
  const result = await page.evaluate(
    () => (window as unknown as { axe: { run(): Promise<AxeResult> } }).axe.run() as Promise<AxeResult>,
  );
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

export async function openSettings(page: Page, entry: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: entry }).click();
}
