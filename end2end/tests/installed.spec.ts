import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

const SECRET_KEY = 'sk_test_E2eSecretValue0123456789';

/** Installs a Stripe connector through the REST API, with the page's session. */
async function installStripe(page: Page, name: string) {
  const origin = new URL(page.url()).origin;
  const response = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'stripe',
      name,
      config: { mode: 'test' },
      auth: { secret_key: SECRET_KEY },
    },
  });
  expect(response.status()).toBe(201);
  const text = await response.text();
  expect(text).not.toContain(SECRET_KEY);
  return JSON.parse(text).id as string;
}

function card(page: Page, name: string) {
  return page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
}

test('an installed Stripe connector is activated, deactivated and deleted from the installed page', async ({ page }) => {
  const name = `Stripe e2e ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await installStripe(page, name);

  await page.goto('/');
  await hydrated(page);
  const installed = card(page, name);
  await expect(installed).toBeVisible();
  await expect(installed.getByText('Stripe', { exact: true })).toBeVisible();
  await expect(installed.locator('[data-status]')).toHaveText(/Inactive/);
  await expect(installed.getByText('Not tested yet')).toBeVisible();
  await expect(installed.getByRole('link', { name: `Configure ${name}` })).toHaveAttribute('href', /\/connectors\//);
  expect(await page.content()).not.toContain(SECRET_KEY);
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);

  // By keyboard: the card re-renders with the opposite button, and focus stays on it.
  await installed.getByRole('button', { name: `Activate ${name}` }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `${name} is active.` })).toBeVisible();
  await expect(installed.locator('[data-status]')).toHaveText(/Active/);
  await expect(installed.getByRole('button', { name: `Deactivate ${name}` })).toBeFocused();

  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `${name} is inactive.` })).toBeVisible();
  await expect(installed.locator('[data-status]')).toHaveText(/Inactive/);
  await expect(installed.getByRole('button', { name: `Activate ${name}` })).toBeFocused();

  // Delete asks first; cancelling keeps it.
  await installed.getByRole('button', { name: `Delete ${name}` }).click();
  const dialog = page.getByRole('alertdialog', { name: `Delete ${name}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  const dialogAxe = await new AxeBuilder({ page }).include('.dialog').analyze();
  expect(dialogAxe.violations).toEqual([]);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(installed).toBeVisible();
  // Focus returns to the button that asked.
  await expect(installed.getByRole('button', { name: `Delete ${name}` })).toBeFocused();

  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('status').filter({ hasText: `${name} was deleted.` })).toBeVisible();
  await expect(card(page, name)).toHaveCount(0);
  // The card is gone: focus goes to the page's heading, not to the end of the page.
  await expect(page.getByRole('heading', { name: 'Installed connectors' })).toBeFocused();
});

test('a viewer sees installed connectors without write actions', async ({ page, browser }) => {
  const name = `Stripe viewer e2e ${Date.now()}`;
  const ownerPage = await browser.newPage();
  await signIn(ownerPage, accounts.owner, true);
  const id = await installStripe(ownerPage, name);
  await ownerPage.close();

  await signIn(page, accounts.viewer, true);
  await page.goto('/');
  await hydrated(page);
  const installed = card(page, name);
  await expect(installed).toBeVisible();
  await expect(installed.getByRole('link', { name: `View ${name}` })).toBeVisible();
  await expect(installed.getByRole('link', { name: `Configure ${name}` })).toHaveCount(0);
  await expect(installed.getByRole('button')).toHaveCount(0);

  // The connector's page: every field is read-only, and nothing offers to save.
  for (const tab of ['configuration', 'permissions']) {
    await page.goto(`/connectors/${id}?tab=${tab}`);
    await hydrated(page);
    const fields = page.locator('main').locator('input, select, textarea');
    expect(await fields.count()).toBeGreaterThan(0);
    for (const field of await fields.all()) {
      await expect(field).toBeDisabled();
    }
    await expect(page.getByRole('button', { name: /^Save/ })).toHaveCount(0);
  }
  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  await expect(page.getByRole('button', { name: /Replace|Clear|Re-authenticate/ })).toHaveCount(0);

  // The wizard says at once that the role cannot add connectors, instead of forms that
  // fail on save.
  for (const step of ['type', 'details']) {
    await page.goto(`/connectors/new?type=wordpress&step=${step}`);
    await hydrated(page);
    await expect(page.locator('[data-read-only]')).toContainText('needs the Owner or Admin role');
    await expect(page.getByRole('textbox')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /Continue/ })).toHaveCount(0);
  }
});
