import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { oauthPort } from '../playwright.config';

const provider = `http://127.0.0.1:${oauthPort}`;
const CLIENT_SECRET = 'e2e-client-secret-value';

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

/** Tokens from the provider are JWTs: none may reach the page. */
async function expectNoToken(page: Page) {
  const content = await page.content();
  expect(content).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  expect(content).not.toContain(CLIENT_SECRET);
}

test('a generic OAuth2 connector signs in through the provider and re-authenticates', async ({ page }) => {
  const name = `Provider ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/catalog');
  await hydrated(page);
  await page.getByRole('link', { name: 'Add OAuth 2.0 (generic)' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeVisible();
  await page.getByLabel('Authorization endpoint').fill(`${provider}/authorize`);
  await page.getByLabel('Token endpoint').fill(`${provider}/token`);
  await page.getByLabel('API base URL').fill(provider);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Authenticate: the redirect URI to register, then Connect.
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
  await expect(page.getByLabel('Redirect URI to register with the provider')).toHaveValue(/\/oauth\/callback$/);
  await expect(page.locator('[data-origin-warning]')).toHaveCount(0);
  await page.getByLabel('Client ID').fill('e2e-client');
  await page.getByLabel('Client secret').fill(CLIENT_SECRET);
  await noAxeViolations(page);
  await page.getByRole('button', { name: /^Connect with/ }).click();

  // The provider sends the browser back to the test step.
  await expect(page).toHaveURL(/step=test.*oauth=connected/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Step 5 of 6: Test the connection' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Signed in with' })).toBeVisible();
  await expectNoToken(page);
  await noAxeViolations(page);

  const id = new URL(page.url()).searchParams.get('draft');
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.status).toBe('inactive');
  expect(saved.credentials.fields.access_token).toMatchObject({ set: true, secret: true });
  expect(saved.credentials.fields.access_token.value).toBeUndefined();
  expect(JSON.stringify(saved)).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);

  // Re-authenticate from the connector page: same instance, new tokens.
  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  await expectNoToken(page);
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  await expect(page).toHaveURL(new RegExp(`/connectors/${id}\\?tab=credentials&oauth=connected`));
  await hydrated(page);
  await expect(page.getByRole('status').filter({ hasText: 'Signed in with' })).toBeVisible();
  await expectNoToken(page);
  await noAxeViolations(page);
  const again = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(again.id).toBe(saved.id);
  expect(again.config).toEqual(saved.config);
  expect(again.credentials.fields.access_token.set_at >= saved.credentials.fields.access_token.set_at).toBe(true);
  const audit = await (await page.request.get(`/api/audit?connector_id=${id}`)).json();
  expect(audit.filter((entry: { action: string }) => entry.action === 'oauth.connected')).toHaveLength(2);
});

test('a callback with a state that is not ours says so on the installed page', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await page.goto('/oauth/callback?code=x&state=not-a-real-state');
  await expect(page).toHaveURL(/\/\?oauth_error=invalid_state/);
  await expect(page.getByRole('alert').filter({ hasText: 'not valid any more' })).toBeVisible();
});

test('a callback reached while signed out runs on the server after signing in with JavaScript on', async ({ page }) => {
  await page.goto('/oauth/callback?code=x&state=not-a-real-state');
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await page.getByLabel('Email').fill(accounts.owner.email);
  await page.getByLabel('Password').fill(accounts.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The server's callback ran (it refuses the state and says so), not the app's 404 page.
  await expect(page).toHaveURL(/\/\?oauth_error=invalid_state/);
  await expect(page.getByRole('alert').filter({ hasText: 'not valid any more' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Page not found' })).toHaveCount(0);
});

test('opened on another origin than the public URL, the authenticate step says which to fix', async ({ page }) => {
  const other = `http://localhost:${new URL(test.info().project.use.baseURL!).port}`;
  await page.goto(`${other}/login`);
  await hydrated(page);
  await page.getByLabel('Email').fill(accounts.owner.email);
  await page.getByLabel('Password').fill(accounts.owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-user')).toContainText(accounts.owner.name);
  const created = await page.request.post(`${other}/api/connectors`, {
    headers: { Origin: other },
    data: {
      catalog_key: 'oauth2_generic',
      name: `Elsewhere ${Date.now()}`,
      config: { authorize_url: `${provider}/authorize`, token_url: `${provider}/token`, base_url: provider },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.goto(`${other}/connectors/new?step=authenticate&draft=${id}`);
  await hydrated(page);
  const warning = page.locator('[data-origin-warning]');
  await expect(warning).toContainText(`opened at localhost:`);
  await expect(warning).toContainText('CONNECTORS_PUBLIC_URL');
});

test('a provider error is explained on the authenticate step, and Try again signs in', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'oauth2_generic',
      name: `Retry ${Date.now()}`,
      config: { authorize_url: `${provider}/authorize`, token_url: `${provider}/token`, base_url: provider },
      auth: { client_id: 'e2e-client', client_secret: CLIENT_SECRET },
    },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  // Where the callback sends the browser when the person declined at the provider.
  await page.goto(`/connectors/new?step=authenticate&draft=${id}&type=oauth2_generic&oauth_error=access_denied`);
  await hydrated(page);
  const alert = page.locator('[data-oauth-error="access_denied"]');
  await expect(alert).toContainText('Access was not granted at the provider');
  await noAxeViolations(page);
  // The saved client secret is not shown; left blank, it is kept.
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await expect(page).toHaveURL(/step=test.*oauth=connected/);
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.status).toBe('inactive');
  expect(saved.credentials.fields.client_secret).toMatchObject({ set: true, secret: true });
});
