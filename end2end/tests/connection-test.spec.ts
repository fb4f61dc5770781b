import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { install } from '../fixtures/api';
import { administrator, wordpress, WordPressAdmin } from '../fixtures/wordpress';

// WordPress instances pointed at the real WordPress on loopback (fixtures/wordpress.ts).
const PROBE_ROUTE = '/?rest_route=/wp/v2/users/me&context=edit';

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

/** The trace of a result panel: expanded, with the request's Authorization redacted. */
async function expectTrace(result: Locator, site: string, status: number) {
  const trace = result.locator('details.test-trace');
  if (!(await trace.evaluate((element) => (element as HTMLDetailsElement).open))) {
    await trace.locator('summary').first().click();
  }
  await expect(trace.getByRole('list', { name: 'Steps' })).toContainText('resolve');
  await trace.getByText('Request', { exact: true }).click();
  await expect(trace.locator('.test-request')).toContainText(`GET ${site}${PROBE_ROUTE}`);
  await expect(trace.locator('.test-request dl')).toContainText(/authorization\s*\[redacted\]/i);
  await trace.getByText('Response', { exact: true }).click();
  await expect(trace.locator('.test-response')).toContainText(`HTTP ${status}`);
}

/** Nothing of the application passwords, plain or inside a Basic header, is in the page. */
async function expectNoSecret(page: Page, user: string, passwords: string[]) {
  const content = await page.content();
  for (const password of passwords) {
    expect(content).not.toContain(password);
    expect(content).not.toContain(password.replaceAll(' ', ''));
    expect(content).not.toContain(Buffer.from(`${user}:${password}`).toString('base64'));
  }
}

test('a WordPress connection is tested in the wizard, on its card and on its page', async ({ page }) => {
  const stamp = Date.now();
  const name = `Tested blog ${stamp}`;
  // A WordPress user of its own, with an Application Password made in WordPress.
  const user = `editor-${stamp}`;
  const admin = await WordPressAdmin.open();
  const userId = await admin.addUser(user);
  const first = await admin.addApplicationPassword(userId);
  // The slow port of the same site, so that the progress indicator can be seen.
  const site = wordpress.slow;

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
  await page.getByLabel('Application password').fill(first.password);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // The wizard's test: progress while the (slow) site answers, then the passing result.
  await expect(page.getByRole('heading', { name: 'Step 5 of 6: Test the connection' })).toBeFocused();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Testing the connection…' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Testing…' })).toHaveAttribute('aria-disabled', 'true');
  const wizardResult = page.getByRole('region', { name: 'Connection test result' });
  await expect(wizardResult).toContainText('Connection works');
  await expect(page.getByRole('status').filter({ hasText: 'Connection works.' })).toBeVisible();
  await expectTrace(wizardResult, site, 200);
  await noAxeViolations(page);
  await expectNoSecret(page, user, [first.password]);
  await page.getByRole('link', { name: 'Continue' }).click();
  await page.getByRole('button', { name: 'Save and activate' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `${name} is set up and active.` })).toBeVisible();
  await page.goto('/');
  await hydrated(page);

  // The password is revoked in WordPress: the card's test fails, and the badge says so.
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.locator('[data-status]')).toHaveText(/Active/);
  await expect(card).toContainText('Last test passed');
  await admin.revokeApplicationPassword(userId, first.uuid);
  await card.getByRole('button', { name: `Test connection ${name}` }).click();
  const cardResult = card.getByRole('region', { name: 'Connection test result' });
  await expect(cardResult).toContainText('Credentials refused');
  await expect(cardResult).toContainText('HTTP 401');
  // WordPress does not say why: a revoked password, a wrong one and no user read the same.
  await expect(cardResult.locator('.test-message')).toContainText(
    'The service refused the credentials (401). Check them, or re-authenticate if the connector signs in with OAuth. The service said: “You are not currently logged in.”',
  );
  await expect(card.locator('[data-status]')).toHaveText(/Error/);
  await expect(card).toContainText('Last test failed');
  // The list reloaded with the new badge; focus is back on the button that was pressed.
  await expect(card.getByRole('button', { name: `Test connection ${name}` })).toBeFocused();
  await expectTrace(cardResult, site, 401);
  await expect(cardResult.locator('.test-body')).toContainText('rest_not_logged_in');
  await noAxeViolations(page);
  await expectNoSecret(page, user, [first.password]);

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
  await expectTrace(history.getByRole('listitem').nth(0), site, 401);
  await noAxeViolations(page);

  // Fixed: a new Application Password from WordPress replaces the old one here, and a test
  // from the page passes and restores the status it had.
  const second = await admin.addApplicationPassword(userId);
  await admin.close();
  await page.getByRole('link', { name: 'Credentials' }).click();
  await page.getByRole('button', { name: 'Replace Application password' }).click();
  await page.getByLabel('New application password').fill(second.password);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Credential replaced.' })).toBeVisible();
  await page.getByRole('link', { name: 'Tests' }).click();
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Error/);
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('region', { name: 'Connection test result' }).first()).toContainText('Connection works');
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Active/);
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeFocused();
  await expect(history.getByRole('listitem')).toHaveCount(3);
  await expect(history.getByRole('listitem').nth(0)).toContainText('Passed');
  await expectNoSecret(page, user, [first.password, second.password]);
});

test('a viewer sees the history but has no test button', async ({ page, browser }) => {
  const name = `Viewed blog ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: { catalog_key: 'wordpress', name, config: { base_url: wordpress.site }, auth: administrator() },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const tested = await page.request.post(`/api/connectors/${id}/test`, { headers: { Origin: origin }, data: {} });
  expect(tested.status()).toBe(200);
  expect((await tested.json()).ok).toBe(true);

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

test('a running test can be cancelled: the page stops waiting and says what happens next', async ({ page }) => {
  const name = `Slow blog ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  // The slow port answers 1.5 s late: time enough to press Cancel.
  const id = await install(page, { catalog_key: 'wordpress', name, config: { base_url: wordpress.slow }, auth: administrator() });
  await page.goto(`/connectors/${id}?tab=tests`);
  await hydrated(page);
  const button = page.locator(`#test-connection-${id}`);
  await button.click();
  await expect(button).toHaveText(/^Testing…/);
  await page.getByRole('button', { name: 'Cancel test' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Test cancelled.' })).toBeVisible();
  await expect(button).toHaveText(/^Test connection/);
  await expect(button).not.toHaveAttribute('aria-busy', 'true');
  await expect(button).toBeFocused();
  await expect(page.getByRole('button', { name: 'Cancel test' })).toHaveCount(0);
  await expect(page.locator('.connection-test').getByRole('region', { name: 'Connection test result' })).toHaveCount(0);
  await noAxeViolations(page);
  // The button works again, and a finished test clears the cancelled note.
  await button.click();
  await expect(page.locator('.connection-test').getByRole('region', { name: 'Connection test result' })).toContainText(
    'Connection works',
  );
  await expect(page.getByRole('status').filter({ hasText: 'Test cancelled.' })).toHaveCount(0);
});
