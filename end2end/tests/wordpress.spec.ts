import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { administrator, wordpress, type Credentials } from '../fixtures/wordpress';

// Connection tests against a real WordPress (Debian's package, scripts/wordpress-site.sh):
// what a person sees on the connector page for each way a WordPress site answers.

/** A WordPress connector made through the API, then tested from its page as a person does. */
async function testFromPage(page: Page, baseUrl: string, auth: Credentials) {
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: { catalog_key: 'wordpress', name: `WordPress ${test.info().title} ${Date.now()}`, config: { base_url: baseUrl }, auth },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.goto(`/connectors/${id}?tab=tests`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Test connection' }).click();
  const result = page.getByRole('region', { name: 'Connection test result' }).first();
  await expect(result).toHaveAttribute('data-ok', /true|false/);
  return result;
}

test('the right Application Password on a site with plain permalinks passes', async ({ page }) => {
  // Plain permalinks (WordPress's default): /wp-json/ is not there, ?rest_route= is.
  const pretty = await page.request.get(`${wordpress.site}/wp-json/wp/v2/users/me?context=edit`);
  expect(pretty.status()).toBe(404);
  expect(pretty.headers()['content-type']).toContain('text/html');

  const result = await testFromPage(page, wordpress.site, administrator());
  await expect(result.locator('.test-verdict')).toHaveText('✓ Connection works');
  await expect(result.locator('.test-summary')).toContainText(
    `GET ${wordpress.site}/?rest_route=/wp/v2/users/me&context=edit · HTTP 200`,
  );
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Inactive/);
});

test('a wrong Application Password fails with 401 and WordPress’s own words', async ({ page }) => {
  const { username } = administrator();
  const result = await testFromPage(page, wordpress.site, { username, application_password: 'abcd EFGH 1234 ijkl MNOP 5678' });
  await expect(result.locator('.test-verdict')).toHaveText('✗ Credentials refused');
  await expect(result.locator('.test-message')).toContainText('The service refused the credentials (401).');
  await expect(result.locator('.test-message')).toContainText('The service said: “You are not currently logged in.”');
  await expect(result.locator('.test-summary')).toContainText('HTTP 401');
});

test('a site whose REST API a plugin switched off fails with 403 and says so', async ({ page }) => {
  const result = await testFromPage(page, wordpress.restDisabled, administrator());
  await expect(result.locator('.test-verdict')).toHaveText('✗ Credentials refused');
  await expect(result.locator('.test-message')).toContainText(
    'The service knows who is asking but refused access (403)',
  );
  await expect(result.locator('.test-message')).toContainText('The service said: “The REST API is disabled on this site.”');
  await expect(result.locator('.test-summary')).toContainText('HTTP 403');
});

test('a site URL that is an ordinary web page fails as not the WordPress API', async ({ page }) => {
  const result = await testFromPage(page, wordpress.notWordPress, administrator());
  await expect(result).toHaveAttribute('data-ok', 'false');
  await expect(result.locator('.test-verdict')).toHaveText("✗ Not the service's API");
  await expect(result.locator('.test-message')).toContainText(/answered 200 with an HTML page, not the WordPress API/);
  await expect(result.locator('.test-summary')).toContainText('HTTP 200');
});
