import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { wordpressPort } from '../playwright.config';

// A WordPress instance pointed at the stand-in site on loopback (support/wordpress-site.mjs).
const site = `http://127.0.0.1:${wordpressPort}`;
const PASSWORD = 'tEst 9Q8w 7E6r 5T4y 3U2i 1O0p';

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

/** The trace of a result panel: expanded, with the request's Authorization redacted. */
async function expectTrace(result: Locator, status: number) {
  const trace = result.locator('details.test-trace');
  if (!(await trace.evaluate((element) => (element as HTMLDetailsElement).open))) {
    await trace.locator('summary').first().click();
  }
  await expect(trace.getByRole('list', { name: 'Steps' })).toContainText('resolve');
  await trace.getByText('Request', { exact: true }).click();
  await expect(trace.locator('.test-request')).toContainText(`GET ${site}/?rest_route=/wp/v2/users/me&context=edit`);
  await expect(trace.locator('.test-request dl')).toContainText(/authorization\s*\[redacted\]/i);
  await trace.getByText('Response', { exact: true }).click();
  await expect(trace.locator('.test-response')).toContainText(`HTTP ${status}`);
}

/** Nothing of the application password, plain or inside a Basic header, is in the page. */
async function expectNoSecret(page: Page, user: string) {
  const content = await page.content();
  expect(content).not.toContain(PASSWORD);
  expect(content).not.toContain(PASSWORD.replaceAll(' ', ''));
  expect(content).not.toContain(Buffer.from(`${user}:${PASSWORD}`).toString('base64'));
}

test('a WordPress connection is tested in the wizard, on its card and on its page', async ({ page }) => {
  const stamp = Date.now();
  const name = `Tested blog ${stamp}`;
  const user = `slow-editor-${stamp}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress');
  await hydrated(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeFocused();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeFocused();
  await page.getByLabel('Site URL').fill(site);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeFocused();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Application password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // The wizard's test: progress while the (slow) site answers, then the passing result.
  await expect(page.getByRole('heading', { name: 'Step 5 of 6: Test the connection' })).toBeFocused();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Testing the connection…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Testing…' })).toHaveAttribute('aria-disabled', 'true');
  const wizardResult = page.getByRole('region', { name: 'Connection test result' });
  await expect(wizardResult).toContainText('Connection works');
  await expect(page.getByRole('status').filter({ hasText: 'Connection works.' })).toBeVisible();
  await expectTrace(wizardResult, 200);
  await noAxeViolations(page);
  await expectNoSecret(page, user);
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Save and activate' }).click();
  await expect(page).toHaveURL(/\/$/);

  // The site starts refusing the password: the card's test fails, and the badge says so.
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.locator('[data-status]')).toHaveText(/Active/);
  await expect(card).toContainText('Last test passed');
  expect((await page.request.post(`${site}/control/revoke?user=${user}`)).status()).toBe(204);
  await card.getByRole('button', { name: `Test connection ${name}` }).click();
  const cardResult = card.getByRole('region', { name: 'Connection test result' });
  await expect(cardResult).toContainText('Credentials refused');
  await expect(cardResult).toContainText('HTTP 401');
  await expect(card.locator('[data-status]')).toHaveText(/Error/);
  await expect(card).toContainText('Last test failed');
  // The list reloaded with the new badge; focus is back on the button that was pressed.
  await expect(card.getByRole('button', { name: `Test connection ${name}` })).toBeFocused();
  await expectTrace(cardResult, 401);
  await expect(cardResult.locator('.test-body')).toContainText('rest_not_logged_in');
  await noAxeViolations(page);
  await expectNoSecret(page, user);

  // The connector page: the history, newest first, each with its trace.
  await card.getByRole('link', { name: `Configure ${name}` }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'Tests' }).click();
  await expect(page).toHaveURL(/tab=tests/);
  const history = page.getByRole('list', { name: 'Test history, newest first' });
  await expect(history.getByRole('listitem')).toHaveCount(2);
  await expect(history.getByRole('listitem').nth(0)).toContainText('Failed: Credentials refused');
  await expect(history.getByRole('listitem').nth(0)).toContainText('Run by a person');
  await expect(history.getByRole('listitem').nth(1)).toContainText('Passed');
  await expect(history.getByRole('listitem').nth(1)).toContainText('Setup wizard');
  await history.getByRole('listitem').nth(0).locator('summary').first().click();
  await expectTrace(history.getByRole('listitem').nth(0), 401);
  await noAxeViolations(page);

  // Fixed on the site: a test from the page passes and restores the status it had.
  expect((await page.request.post(`${site}/control/restore?user=${user}`)).status()).toBe(204);
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Error/);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('region', { name: 'Connection test result' }).first()).toContainText('Connection works');
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Active/);
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeFocused();
  await expect(history.getByRole('listitem')).toHaveCount(3);
  await expect(history.getByRole('listitem').nth(0)).toContainText('Passed');
  await expectNoSecret(page, user);
});

test('a viewer sees the history but has no test button', async ({ page, browser }) => {
  const name = `Viewed blog ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'wordpress',
      name,
      config: { base_url: site },
      auth: { username: 'editor', application_password: PASSWORD },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const tested = await page.request.post(`/api/connectors/${id}/test`, { headers: { Origin: origin }, data: {} });
  expect(tested.status()).toBe(200);

  const viewer = await browser.newPage();
  await signIn(viewer, accounts.viewer, true);
  await viewer.goto(`/connectors/${id}?tab=tests`);
  await hydrated(viewer);
  await expect(viewer.getByRole('list', { name: 'Test history, newest first' }).getByRole('listitem')).toHaveCount(1);
  await expect(viewer.getByRole('button', { name: 'Test connection' })).toHaveCount(0);
  await viewer.goto('/');
  const card = viewer.getByRole('listitem').filter({ has: viewer.getByRole('heading', { name, exact: true }) });
  await expect(card).toContainText('Last test passed');
  await expect(card.getByRole('button', { name: /Test connection/ })).toHaveCount(0);
  await viewer.close();
});
