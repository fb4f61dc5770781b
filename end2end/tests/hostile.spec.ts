// Stored XSS in a real browser: a connector whose name, description, tags and config hold
// markup is opened on every page that shows it; no dialog may fire, no Content-Security-
// Policy violation may be reported, and the name reads as typed (title included).
import { expect, test } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { HOSTILE, installHostile, pagesOf, watchForScript } from '../fixtures/hostile';

test('hostile text in a connector runs nowhere, and pages hydrate under the policy', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchForScript(page);
  await signIn(page, accounts.owner, true);
  const id = await installHostile(page);
  for (const path of pagesOf(id)) {
    await page.goto(path);
    await hydrated(page);
  }
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(HOSTILE[0]);
  expect(await page.title()).toContain(HOSTILE[0]);
  await expect(page.getByLabel('Description')).toHaveValue(HOSTILE[1]);
  expect(problems).toEqual([]);
});
