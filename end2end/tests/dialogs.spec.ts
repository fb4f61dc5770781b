import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { install, unreachableWordPress } from '../fixtures/api';

/** Whether keyboard focus is inside the open dialog. */
async function focusInDialog(page: Page) {
  return page.evaluate(() => document.activeElement?.closest('dialog[open]') != null);
}

test('the confirmation dialog holds focus: Tab, a click on the backdrop, then Escape', async ({ page }) => {
  const name = `Held ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await install(page, { catalog_key: 'stripe', name, config: { mode: 'test' }, auth: { secret_key: 'sk_test_DialogValue0123456789' } });
  await page.goto('/');
  await hydrated(page);
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await card.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('alertdialog', { name: `Delete ${name}?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();

  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await focusInDialog(page), `after ${key}`).toBe(true);
  }
  // Tab from Cancel reaches the other button, and wraps back.
  await dialog.getByRole('button', { name: 'Cancel' }).focus();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();

  // A click on the backdrop (top left corner of the page) changes nothing.
  await page.mouse.click(4, 4);
  await expect(dialog).toBeVisible();
  expect(await focusInDialog(page)).toBe(true);
  // A click on the dialog's text neither.
  await dialog.getByText(`Delete ${name}?`).click();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(card).toBeVisible();
});

test('Save and activate after a failed test asks, and the answer activates', async ({ page }) => {
  const name = `Activated anyway ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  // Port 9 (discard) on loopback: nothing listens, so the test fails.
  const id = await install(page, unreachableWordPress(name));
  const origin = new URL(page.url()).origin;
  const tested = await page.request.post(`/api/connectors/${id}/test`, { headers: { Origin: origin }, data: {} });
  expect((await tested.json()).ok).toBe(false);

  await page.goto(`/connectors/new?type=wordpress&step=review&draft=${id}`);
  await hydrated(page);
  // The verdict is on the review, before anyone presses anything.
  await expect(page.locator('[data-verdict="failed"]')).toContainText('The last test failed');
  const activate = page.getByRole('button', { name: 'Save and activate' });
  await activate.click();
  const dialog = page.getByRole('alertdialog', { name: `Activate ${name}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  // Cancel puts focus back on the button that asked.
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(activate).toBeFocused();
  await activate.click();
  await dialog.getByRole('button', { name: 'Activate anyway' }).click();
  // The wizard ends on the connector's page, and says what happened.
  await expect(page).toHaveURL(new RegExp(`/connectors/${id}$`));
  // It says what was overridden, not plain success.
  await expect(page.getByRole('status').filter({ hasText: `${name} is active, though its last test failed.` })).toBeVisible();
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.status).toBe('active');
});

test('the test step keeps the last verdict across a reload; the wizard URL of an active connector sends to its page', async ({ page }) => {
  const name = `Reloaded ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const id = await install(page, unreachableWordPress(name));
  await page.goto(`/connectors/new?type=wordpress&step=test&draft=${id}`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('region', { name: 'Connection test result' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.locator('[data-verdict="failed"]')).toContainText('The last test failed');

  const origin = new URL(page.url()).origin;
  const put = await page.request.put(`/api/connectors/${id}`, { headers: { Origin: origin }, data: { status: 'active', confirm: true } });
  expect(put.status(), await put.text()).toBe(200);
  await page.goto(`/connectors/new?type=wordpress&step=configure&draft=${id}`);
  await expect(page.locator('[data-setup-finished]')).toContainText(`${name} is set up and active.`);
  await page.getByRole('link', { name: `Open ${name}` }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
});
