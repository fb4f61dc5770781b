// The same hostile connector with JavaScript off: what the server sends is all there is.
import { expect, test } from '@playwright/test';
import { accounts, signIn } from '../fixtures/accounts';
import { HOSTILE, installHostile, pagesOf, watchForScript } from '../fixtures/hostile';

test('hostile text is inert in the server-rendered pages', async ({ page }) => {
  test.setTimeout(90_000);
  const problems = watchForScript(page);
  await signIn(page, accounts.owner, false);
  const id = await installHostile(page);
  for (const path of pagesOf(id)) {
    await page.goto(path);
    expect(await page.locator('img[src="x"], svg[onload]').count(), path).toBe(0);
  }
  await page.goto(`/connectors/${id}`);
  expect(await page.title()).toContain(HOSTILE[0]);
  await expect(page.getByLabel('Description')).toHaveValue(HOSTILE[1]);
  expect(problems).toEqual([]);
});
