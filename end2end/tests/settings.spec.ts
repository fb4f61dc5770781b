// Settings as an owner uses it: adding someone empties the form, removing asks first,
// a new API token can be copied and shows when it was made and last used, and revoking
// one asks first.
import AxeBuilder from '@axe-core/playwright';
import { expect, request, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

/** Signs in as the owner and creates an API token named `name` on /settings; returns its
 *  one-time value. */
async function createToken(page: Page, name: string): Promise<string> {
  await signIn(page, accounts.owner, true);
  await page.goto('/settings');
  await hydrated(page);
  await page.getByLabel('Token name').fill(name);
  await page.getByRole('button', { name: 'Create token' }).click();
  return (await page.getByTestId('new-token').textContent()) ?? '';
}

test('a member is added once, then removed after a question', async ({ page }) => {
  const email = `temp-${Date.now()}@acme.test`;
  await signIn(page, accounts.owner, true);
  await page.goto('/settings');
  await hydrated(page);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Tess Temp');
  await page.getByLabel('First password').fill('temp password 1');
  await page.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${email} was added.` })).toBeVisible();
  await expect(page.getByRole('cell', { name: email, exact: true })).toBeVisible();
  // The form is empty again: a second press adds nobody.
  await expect(page.getByLabel('Email', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('First password')).toHaveValue('');

  // Nobody is offered to remove themselves or change their own role.
  await expect(page.getByRole('button', { name: `Remove ${accounts.owner.email}` })).toHaveCount(0);
  await expect(page.getByLabel(`Role of ${accounts.owner.email}`)).toHaveCount(0);
  await page.getByRole('button', { name: `Remove ${email}` }).click();
  const question = page.getByRole('alertdialog', { name: `Remove ${email}?` });
  await expect(question.getByRole('button', { name: 'Cancel' })).toBeFocused();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await question.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('cell', { name: email, exact: true })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole('cell', { name: accounts.owner.email, exact: true }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: email, exact: true })).toHaveCount(0);
});

test('a new API token has a Copy button, and the list says when tokens were made and used', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = `copied ${Date.now()}`;
  const token = await createToken(page, name);
  expect(token).toMatch(/^chub_/);
  await expect(page.getByLabel('Token name')).toHaveValue('');
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByRole('cell').nth(3)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  await expect(row.getByRole('cell').nth(4)).toHaveText('Never');
  // A client of its own, without the page's session cookie.
  const client = await request.newContext();
  const used = await client.get(new URL('/api/installed', page.url()).toString(), {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(used.status()).toBe(200);
  await client.dispose();
  await page.reload();
  await expect(row.getByRole('cell').nth(4)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
});

test('revoking a token asks first, and the one-time value goes with the token', async ({ page }) => {
  const name = `revoked ${Date.now()}`;
  const token = await createToken(page, name);
  const row = page.getByRole('row').filter({ hasText: name });
  const revoke = row.getByRole('button', { name: `Revoke token ${name}` });

  // Cancel keeps it.
  await revoke.click();
  const dialog = page.getByRole('alertdialog', { name: `Revoke the token “${name}”?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toHaveCount(1);

  await revoke.click();
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('new-token')).toHaveCount(0);
  const client = await request.newContext();
  const refused = await client.get(new URL('/api/installed', page.url()).toString(), {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(refused.status()).toBe(401);
  await client.dispose();
});
