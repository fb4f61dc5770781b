import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';
import { oauthPort } from '../playwright.config';

// A certified OpenID provider (npm oidc-provider, support/oidc-provider.mjs): PKCE required,
// access tokens that live 30 s (under the hub's 60 s refresh margin, so every use after
// signing in refreshes first), refresh tokens for `offline_access`, rotated on each refresh.
const provider = `http://127.0.0.1:${oauthPort}`;
// The client the provider has registered.
const CLIENT_ID = 'e2e-client';
const CLIENT_SECRET = 'e2e-client secret+value/50%:1';
// HTTP Basic client credentials: id and secret each form-urlencoded first (RFC 6749 §2.3.1).
const basicAuth = `Basic ${Buffer.from(
  `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`,
).toString('base64')}`;
// A generic OAuth2 instance's configuration for it: the connection test calls userinfo.
const providerConfig = {
  authorize_url: `${provider}/auth`,
  token_url: `${provider}/token`,
  scopes: ['openid', 'offline_access'],
  base_url: provider,
  test_path: '/me',
};

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

type Issued = { access_tokens: string[]; refresh_tokens: string[]; userinfo: { token: string; status: number }[] };

/** What the provider issued to `login` (its account) so far, and the userinfo calls made with it. */
async function issuedTo(request: APIRequestContext, login: string): Promise<Issued> {
  return (await request.get(`${provider}/control/tokens?account=${encodeURIComponent(login)}`)).json();
}

/** No token the provider issued to `login`, no ID token and no client secret is in the page. */
async function expectNoToken(page: Page, login: string) {
  const content = await page.content();
  const issued = await issuedTo(page.request, login);
  for (const token of [...issued.access_tokens, ...issued.refresh_tokens]) {
    expect(content).not.toContain(token);
  }
  expect(content).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  expect(content).not.toContain(CLIENT_SECRET);
}

const atProvider = new RegExp(`^${provider.replaceAll('.', '\\.')}/interaction/`);

/** The provider's sign-in page (its development interaction takes any login and password). */
async function signInAtProvider(page: Page, login: string) {
  await expect(page).toHaveURL(atProvider);
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

/** The provider's consent page: the hub asks for offline access (a refresh token). */
async function consentAtProvider(page: Page) {
  await expect(page).toHaveURL(atProvider);
  await expect(page.getByText('the client is asking to have offline access')).toBeVisible();
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** The instance as the API shows it. */
async function connector(page: Page, id: string) {
  const response = await page.request.get(`/api/connectors/${id}`);
  expect(response.status()).toBe(200);
  return response.json();
}

async function auditActions(page: Page, id: string): Promise<string[]> {
  const audit = await (await page.request.get(`/api/audit?connector_id=${id}`)).json();
  return audit.map((entry: { action: string }) => entry.action);
}

const count = (actions: string[], action: string) => actions.filter((each) => each === action).length;
const setAt = (instance: any, field: string) => Date.parse(instance.credentials.fields[field].set_at);

/** Runs the connection test from the page and waits until it is recorded and the button is
 *  back: the previous result stays on screen meanwhile, so its text alone proves nothing. */
async function runTest(page: Page, id: string) {
  const recorded = async () => (await (await page.request.get(`/api/connectors/${id}/tests`)).json()).length;
  const before = await recorded();
  const button = page.locator(`#test-connection-${id}`);
  await button.click();
  await expect.poll(recorded).toBe(before + 1);
  await expect(button).toHaveText(/^Test connection/);
}

/** Installs a generic OAuth2 instance for the provider through the API; returns its id. */
async function install(page: Page, name: string): Promise<string> {
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: {
      catalog_key: 'oauth2_generic',
      name,
      config: providerConfig,
      auth: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
    },
  });
  expect(created.status(), await created.text()).toBe(201);
  return (await created.json()).id;
}

test('a generic OAuth2 connector signs in at the provider, passes its test with a refreshed token and re-authenticates', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const name = `Provider ${Date.now()}`;
  const login = `olivia-${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/catalog');
  await hydrated(page);
  await page.getByRole('link', { name: 'Add OAuth 2.0 (generic)' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeVisible();
  await page.getByLabel('Authorization endpoint').fill(providerConfig.authorize_url);
  await page.getByLabel('Token endpoint').fill(providerConfig.token_url);
  for (const [i, scope] of providerConfig.scopes.entries()) {
    await page.getByRole('button', { name: 'Add item' }).click();
    await page.getByRole('textbox', { name: `Item ${i + 1}`, exact: true }).fill(scope);
  }
  await page.getByLabel('API base URL').fill(provider);
  await page.getByLabel('Test endpoint path').fill(providerConfig.test_path);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Authenticate, in the order a person needs it: what to set up at the provider (no
  // platform app here, the redirect URI, the permissions asked), the client fields, Connect.
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
  const needs = page.getByRole('region', { name: /^Before you connect/ });
  await expect(needs).toContainText('has no app of its own for this provider');
  await expect(needs.getByLabel('Redirect URI to register with the provider')).toHaveValue(/\/oauth\/callback$/);
  await expect(needs).toContainText(providerConfig.scopes[0]);
  await expect(needs.locator('[data-https-warning]')).toContainText('plain http');
  await expect(page.locator('[data-origin-warning]')).toHaveCount(0);
  const top = async (locator: import('@playwright/test').Locator) => (await locator.boundingBox())?.y ?? 0;
  const connect = page.getByRole('button', { name: /^Connect with/ });
  expect(await top(needs)).toBeLessThan(await top(page.getByLabel('Client ID')));
  expect(await top(page.getByLabel('Client secret'))).toBeLessThan(await top(connect));
  await page.getByLabel('Client ID').fill(CLIENT_ID);
  await page.getByLabel('Client secret').fill(CLIENT_SECRET);
  await noAxeViolations(page);
  await page.getByRole('button', { name: /^Connect with/ }).click();
  await signInAtProvider(page, login);
  await consentAtProvider(page);

  // The provider sends the browser back to the test step.
  await expect(page).toHaveURL(/step=test.*oauth=connected/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Step 5 of 6: Test the connection' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Signed in with' })).toBeVisible();
  await expectNoToken(page, login);
  await noAxeViolations(page);

  const id = new URL(page.url()).searchParams.get('draft')!;
  const saved = await connector(page, id);
  expect(saved.status).toBe('inactive');
  expect(saved.credentials.fields.access_token).toMatchObject({ set: true, secret: true });
  expect(saved.credentials.fields.access_token.value).toBeUndefined();
  expect(saved.credentials.fields.refresh_token).toMatchObject({ set: true, secret: true });
  expect(saved.credentials.fields.scope.value).toBe('openid offline_access');
  const signedIn = await issuedTo(page.request, login);
  expect(signedIn.access_tokens).toHaveLength(1);
  expect(signedIn.refresh_tokens).toHaveLength(1);

  // The token expires within the refresh margin: the test refreshes it first, then calls
  // userinfo with the new one.
  await runTest(page, id);
  await expect(page.getByRole('region', { name: 'Connection test result' })).toContainText('Connection works');
  const tested = await issuedTo(page.request, login);
  expect(tested.access_tokens).toHaveLength(2);
  expect(tested.userinfo).toEqual([{ token: tested.access_tokens[1], status: 200 }]);
  expect(count(await auditActions(page, id), 'oauth.refreshed')).toBe(1);
  const refreshed = await connector(page, id);
  expect(setAt(refreshed, 'access_token')).toBeGreaterThan(setAt(saved, 'access_token'));
  await expectNoToken(page, login);
  await noAxeViolations(page);

  // Re-authenticate from the connector page: the provider remembers the sign-in and asks for
  // consent again (offline access is asked with prompt=consent); same instance, new tokens.
  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  await expectNoToken(page, login);
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  await consentAtProvider(page);
  await expect(page).toHaveURL(new RegExp(`/connectors/${id}\\?tab=credentials&oauth=connected`));
  await hydrated(page);
  await expect(page.getByRole('status').filter({ hasText: 'Signed in with' })).toBeVisible();
  await expectNoToken(page, login);
  await noAxeViolations(page);
  const again = await connector(page, id);
  expect(again.id).toBe(saved.id);
  expect(again.config).toEqual(saved.config);
  expect(setAt(again, 'access_token')).toBeGreaterThan(setAt(refreshed, 'access_token'));
  expect(count(await auditActions(page, id), 'oauth.connected')).toBe(2);
});

test('every use refreshes with the rotated refresh token, and one the provider revoked asks to re-authenticate', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const name = `Rotating ${Date.now()}`;
  const login = `rita-${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const id = await install(page, name);
  await page.goto(`/connectors/${id}?tab=credentials`);
  await hydrated(page);
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  await signInAtProvider(page, login);
  await consentAtProvider(page);
  await expect(page).toHaveURL(new RegExp(`/connectors/${id}\\?tab=credentials&oauth=connected`));
  await hydrated(page);
  const badge = page.locator('.detail-heading [data-status]');
  const result = page.getByRole('region', { name: 'Connection test result' }).first();

  // Two uses in a row: each refreshes first. The provider consumes a refresh token when it is
  // used (and would revoke the grant if one came back), so the second refresh passing means it
  // was made with the rotated token the first one saved.
  let before = await connector(page, id);
  for (const round of [1, 2]) {
    await runTest(page, id);
    await expect(result).toContainText('Connection works');
    const issued = await issuedTo(page.request, login);
    expect(issued.refresh_tokens).toHaveLength(1 + round);
    expect(issued.access_tokens).toHaveLength(1 + round);
    expect(issued.userinfo.at(-1)).toEqual({ token: issued.access_tokens.at(-1), status: 200 });
    expect(count(await auditActions(page, id), 'oauth.refreshed')).toBe(round);
    const after = await connector(page, id);
    expect(setAt(after, 'access_token')).toBeGreaterThan(setAt(before, 'access_token'));
    expect(setAt(after, 'refresh_token')).toBeGreaterThan(setAt(before, 'refresh_token'));
    before = after;
  }
  await expect(badge).toHaveText(/Inactive/);
  await expectNoToken(page, login);

  // The person revokes the hub's access at the provider (its revocation endpoint).
  const current = (await issuedTo(page.request, login)).refresh_tokens.at(-1)!;
  const revoked = await page.request.post(`${provider}/token/revocation`, {
    headers: { Authorization: basicAuth },
    form: { token: current, token_type_hint: 'refresh_token' },
  });
  expect(revoked.status()).toBe(200);

  // The next use: the refresh is refused (invalid_grant). The test is recorded as failed
  // without asking the service, and its result says to re-authenticate.
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(result).toContainText('Credentials refused');
  await expect(result).toContainText('Re-authentication needed');
  await expect(result).toContainText('Re-authenticate it');
  await expect(badge).toHaveText(/Error/);
  const refused = await connector(page, id);
  expect(refused.status).toBe('error');
  expect(refused.last_error).toMatch(/^Re-authentication needed: /);
  await noAxeViolations(page);

  // Re-authenticating clears it, and the test passes again.
  await page.getByRole('button', { name: 'Re-authenticate' }).click();
  await consentAtProvider(page);
  await expect(page).toHaveURL(new RegExp(`/connectors/${id}\\?tab=credentials&oauth=connected`));
  await hydrated(page);
  await expect(badge).toHaveText(/Inactive/);
  await runTest(page, id);
  await expect(result).toContainText('Connection works');
  expect((await connector(page, id)).last_error).toBeUndefined();
  await expectNoToken(page, login);
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
      config: providerConfig,
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

test('declining at the provider is explained on the authenticate step, and Try again signs in', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const id = await install(page, `Retry ${Date.now()}`);
  await page.goto(`/connectors/new?step=authenticate&draft=${id}&type=oauth2_generic`);
  await hydrated(page);
  await page.getByRole('button', { name: /^Connect with/ }).click();
  // The person cancels at the provider, which sends the browser back with access_denied.
  await expect(page).toHaveURL(atProvider);
  await page.getByRole('link', { name: '[ Cancel ]' }).click();
  await expect(page).toHaveURL(/step=authenticate.*oauth_error=access_denied/);
  await hydrated(page);
  const alert = page.locator('[data-oauth-error="access_denied"]');
  await expect(alert).toContainText('Access was not granted at the provider');
  // One message: the outcome, not also the boxes that say credentials are saved.
  await expect(page.locator('.callout:visible').filter({ hasText: 'Credentials are saved' })).toHaveCount(0);
  await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveCount(1);
  await noAxeViolations(page);
  // The saved client secret is not shown; left blank, it is kept.
  await expect(page.getByLabel('Client secret')).toHaveValue('');
  await alert.getByRole('button', { name: 'Try again' }).click();
  await signInAtProvider(page, `tina-${Date.now()}`);
  await consentAtProvider(page);
  await expect(page).toHaveURL(/step=test.*oauth=connected/);
  const saved = await connector(page, id);
  expect(saved.status).toBe('inactive');
  expect(saved.credentials.fields.client_secret).toMatchObject({ set: true, secret: true });
});
