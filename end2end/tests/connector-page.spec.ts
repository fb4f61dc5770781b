// The connector's own page, where the wizard ends: its status, Delete and who may use it.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { install, runTest, unreachableWordPress } from '../fixtures/api';

const toast = (page: import('@playwright/test').Page, text: string) =>
  page.getByRole('status').filter({ hasText: text });

test('the page activates after a failed test only when asked twice, deactivates and deletes', async ({ page }) => {
  const name = `Page actions ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const id = await install(page, unreachableWordPress(name));
  expect((await runTest(page, id)).ok).toBe(false);
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  const badge = page.locator('.detail-heading [data-status]');
  await expect(badge).not.toHaveText(/Active/);

  await page.getByRole('button', { name: 'Activate', exact: true }).click();
  const question = page.getByRole('alertdialog', { name: `Activate ${name}?` });
  await expect(question).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await question.getByRole('button', { name: 'Activate anyway' }).click();
  await expect(toast(page, `${name} is active, though its last test failed.`)).toBeVisible();
  await expect(badge).toHaveText(/Active/);

  await page.getByRole('button', { name: 'Deactivate', exact: true }).click();
  await expect(toast(page, `${name} is inactive.`)).toBeVisible();
  await expect(badge).toHaveText(/Inactive/);

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.getByRole('alertdialog', { name: `Delete ${name}?` }).getByRole('button', { name: 'Delete' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(toast(page, `${name} was deleted.`)).toBeVisible();
  await expect(page.getByRole('heading', { name, exact: true })).toHaveCount(0);
  expect((await page.request.get(`/api/connectors/${id}`)).status()).toBe(404);
});

test('the installed list offers "Add a connector" once anything is installed', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await install(page, unreachableWordPress(`Listed ${Date.now()}`));
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('link', { name: 'Add a connector' }).click();
  await expect(page.getByRole('heading', { name: 'Step 1 of 6: Choose a connector type' })).toBeVisible();
});

test('which roles it is for reads forwards: every role, or owners, admins and the roles ticked', async ({ page }) => {
  const name = `Access ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const id = await install(page, unreachableWordPress(name));
  await page.goto(`/connectors/${id}?tab=permissions`);
  await hydrated(page);
  const roles = page.getByRole('group', { name: 'Which roles it is for' });
  await expect(roles.getByRole('radio', { name: 'Every role' })).toBeChecked();
  await expect(roles.getByRole('checkbox')).toHaveCount(0);
  await expect(page.getByText('None ticked')).toHaveCount(0);

  // Owners and admins always see it: only members and viewers are choices.
  await roles.getByRole('radio', { name: 'Only owners, admins and the roles I tick' }).check();
  await expect(roles.getByRole('checkbox')).toHaveCount(2);
  // At desktop size too, each box is its usual small size beside its label.
  for (const box of await page.locator('.choice input').all()) {
    expect((await box.boundingBox())?.width ?? 0).toBeLessThanOrEqual(24);
  }
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await expect(toast(page, 'Permissions saved.')).toBeVisible();
  let saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.allowed_roles).toEqual(['owner', 'admin']);

  await page.reload();
  await hydrated(page);
  await roles.getByRole('checkbox', { name: /Members/ }).check();
  await page.getByRole('button', { name: 'Save permissions' }).click();
  await expect(toast(page, 'Permissions saved.')).toBeVisible();
  saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.allowed_roles).toEqual(['owner', 'admin', 'member']);
  await page.reload();
  await hydrated(page);
  await expect(roles.getByRole('radio', { name: 'Only owners, admins and the roles I tick' })).toBeChecked();
  await expect(roles.getByRole('checkbox', { name: /Members/ })).toBeChecked();
  await expect(roles.getByRole('checkbox', { name: /Viewers/ })).not.toBeChecked();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

test('credentials: Replace focuses its field, a refused value stays typed, Escape closes, required ones are never cleared', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const id = await install(page, unreachableWordPress(`Credentials ${Date.now()}`));
  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  // Both WordPress fields are required: replace them, never clear them (the server refuses).
  await expect(page.getByRole('button', { name: /^Clear/ })).toHaveCount(0);

  await page.getByRole('button', { name: 'Replace Application password' }).click();
  const field = page.getByLabel('New application password');
  await expect(field).toBeFocused();
  await field.fill('too short');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const row = page.locator('[data-field="application_password"]');
  await expect(row.getByRole('alert')).not.toBeEmpty();
  await expect(field).toHaveValue('too short');

  await field.press('Escape');
  await expect(field).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Replace Application password' })).toBeFocused();
  await expect(row.locator('.field-error')).toBeEmpty();
});

test('a new site address takes the credentials entered again in the same save', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const id = await install(page, unreachableWordPress(`Moved ${Date.now()}`));
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  const again = page.getByRole('group', { name: 'Credentials to save with this change' });
  await expect(again).toBeHidden();
  await page.getByLabel('Site URL').fill('http://127.0.0.1:8');
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(page.locator('#configuration-summary')).toContainText('Credentials are sent only to the address they were entered for');
  await expect(again).toBeVisible();
  await again.getByLabel('Application password').fill('wxyz WXYZ 9876 qrst QRST 5432');
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(toast(page, 'Configuration saved.')).toBeVisible();
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.config.base_url).toBe('http://127.0.0.1:8');
  expect(saved.credentials.fields.application_password.hint).toBe('…5432');
});

test("changing a saved Stripe connector's Mode asks for a key of that mode in the same save", async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const id = await install(page, {
    catalog_key: 'stripe',
    name: `Live payments ${Date.now()}`,
    config: { mode: 'live' },
    auth: { secret_key: 'sk_live_PageLiveKey0123456789' },
  });
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  const again = page.getByRole('group', { name: 'Credentials to save with this change' });
  await expect(again).toBeHidden();
  await page.getByRole('radio', { name: 'Test', exact: true }).check();
  await page.getByRole('button', { name: 'Save configuration' }).click();
  const summary = page.locator('#configuration-summary');
  await expect(summary).toContainText('Mode is Test, so the key must be a test key');
  await expect(again).toBeVisible();
  const key = again.getByLabel('Secret or restricted key');
  await expect(key).toHaveAttribute('aria-invalid', 'true');
  await key.fill('sk_test_PageTestKey0123456789');
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(toast(page, 'Configuration saved.')).toBeVisible();
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.config.mode).toBe('test');
  expect(saved.credentials.fields.secret_key.hint).toBe('…6789');
});

test('read-only: a viewer sees the catalog without "Add" and is told why', async ({ page }) => {
  await signIn(page, accounts.viewer, true);
  await page.goto('/catalog');
  await hydrated(page);
  await expect(page.getByRole('note').filter({ hasText: 'Adding connectors needs the Owner or Admin role.' })).toBeVisible();
  await expect(page.getByRole('link', { name: /^Add / })).toHaveCount(0);
});

test('by keyboard alone: the tabs, a saved configuration, a replaced credential', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const name = `Keys ${Date.now()}`;
  const id = await install(page, unreachableWordPress(name));
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  const keyboard = page.keyboard;
  const tabTo = async (target: import('@playwright/test').Locator) => {
    for (let i = 0; i < 60; i++) {
      if (await target.evaluate((element) => element === document.activeElement)) return;
      await keyboard.press('Tab');
    }
    throw new Error(`could not reach ${target} by Tab`);
  };

  await tabTo(page.getByLabel('Tags'));
  await keyboard.type('keyboard');
  await keyboard.press('Enter');
  await expect(toast(page, 'Configuration saved.')).toBeVisible();

  await tabTo(page.getByRole('link', { name: 'Credentials', exact: true }));
  await keyboard.press('Enter');
  await expect(page).toHaveURL(/tab=credentials/);
  await tabTo(page.getByRole('button', { name: 'Replace Application password' }));
  await keyboard.press('Enter');
  await expect(page.getByLabel('New application password')).toBeFocused();
  await keyboard.type('wxyz WXYZ 9876 qrst QRST 5432');
  await keyboard.press('Enter');
  await expect(toast(page, 'Credential replaced.')).toBeVisible();
  await expect(page.locator('[data-field="application_password"]')).toContainText('Saved, ending 5432');

  await tabTo(page.getByRole('link', { name: 'Activity', exact: true }));
  await keyboard.press('Enter');
  // Fields by the names the forms gave them, not their keys.
  await expect(page.getByRole('cell', { name: /^Replaced credentials: Application password/ })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Changed Tags', exact: true })).toBeVisible();
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.tags).toEqual(['keyboard']);
});

test('"Advanced" starts folded and opens by itself on an error inside', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const id = await install(page, { catalog_key: 'stripe', name: `Folded ${Date.now()}`, config: { mode: 'test' } });
  await page.goto(`/connectors/${id}`);
  await hydrated(page);
  const advanced = page.locator('details.field-group-fold').filter({ hasText: 'Advanced' });
  await expect(advanced).not.toHaveAttribute('open');
  await expect(page.getByLabel('API base URL')).toBeHidden();
  await advanced.locator('summary').click();
  await page.getByLabel('API base URL').fill('not an address');
  await advanced.locator('summary').click();
  await expect(page.getByLabel('API base URL')).toBeHidden();
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(advanced).toHaveAttribute('open');
  await expect(page.getByLabel('API base URL')).toBeVisible();
  await expect(page.locator('#configuration-summary')).toContainText('e.g. https://api.stripe.com');
});

// Found by a review: the Credentials tab offered "Sign in again" to every instance of an
// OAuth type, also one that signs in another way (Slack with a bot token), which the server
// then refused.
test('only an instance that signs in with OAuth offers to sign in again', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const slack = (name: string, auth: Record<string, unknown>) => ({
    catalog_key: 'slack',
    name: `${name} ${Date.now()}`,
    config: { default_channel: '#general' },
    auth,
  });
  const bot = await install(page, slack('Slack bot', { method: 'bot_token', bot_token: 'xoxb-1234-5678-abcdef' }));
  await page.goto(`/connectors/${bot}?tab=credentials`);
  await hydrated(page);
  await expect(page.getByText('Bot User OAuth Token').first()).toBeVisible();
  await expect(page.locator('[data-oauth="reauthenticate"]')).toHaveCount(0);

  const signedIn = await install(page, slack('Slack OAuth', { method: 'oauth2' }));
  await page.goto(`/connectors/${signedIn}?tab=credentials`);
  await hydrated(page);
  await expect(page.locator('[data-oauth="reauthenticate"]')).toBeVisible();
});
