// JavaScript off: every step either works as a plain form or says it needs JavaScript.
// Nothing loops back silently, and no form sends what it holds in a URL.
import { expect, test, type Page } from '@playwright/test';
import { accounts, signIn } from '../fixtures/accounts';
import { install, unreachableWordPress } from '../fixtures/api';

const needsJavaScript = (page: Page) => page.locator('.without-js').filter({ hasText: 'needs JavaScript' });

test('the first step is a plain form: choosing a type leads to its details', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  await page.goto('/connectors/new');
  await expect(page.getByRole('heading', { name: 'Step 1 of 6: Choose a connector type' })).toBeVisible();
  // Filtering is the app's work: without it every type is listed and the box is gone.
  await expect(page.getByLabel('Search types')).toBeHidden();
  await page.getByText('Stripe', { exact: true }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL(/\/connectors\/new\?step=details&type=stripe$/);
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
});

test('Continue without a type says to choose one', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  await page.goto('/connectors/new');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 1 of 6: Choose a connector type' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Connector type: Choose one.' })).toBeVisible();
});

test('the steps that save say they need JavaScript instead of showing a form that cannot', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  const id = await install(page, unreachableWordPress(`No script ${Date.now()}`));
  for (const step of ['details', 'configure', 'authenticate']) {
    await page.goto(`/connectors/new?step=${step}&draft=${id}&type=wordpress`);
    await expect(needsJavaScript(page), step).toBeVisible();
    await expect(needsJavaScript(page)).toContainText('Saving this step needs JavaScript');
    await expect(page.getByRole('button', { name: 'Save and continue' }), step).toBeHidden();
    await expect(page.getByRole('textbox').first(), step).toBeHidden();
  }
  await page.goto(`/connectors/new?step=test&draft=${id}&type=wordpress`);
  await expect(page.getByRole('button', { name: 'Test connection' })).toBeHidden();
  await expect(needsJavaScript(page)).toContainText('Testing the connection needs JavaScript');
  await page.goto(`/connectors/new?step=review&draft=${id}&type=wordpress`);
  await expect(page.getByRole('button', { name: 'Save and activate' })).toBeHidden();
  await expect(needsJavaScript(page)).toContainText('Activating the connector needs JavaScript');
});

test('the connector page shows its settings and says changing them needs JavaScript', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  const name = `No script page ${Date.now()}`;
  const id = await install(page, unreachableWordPress(name));
  await page.goto(`/connectors/${id}`);
  // The server-rendered fields hold their values (the app sets them as properties).
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(name);
  await expect(page.getByLabel('Site URL')).toHaveValue('http://127.0.0.1:9');
  await expect(needsJavaScript(page)).toContainText('Changing or testing this connector needs JavaScript');
  for (const button of ['Save configuration', 'Test connection', 'Deactivate', 'Activate', 'Delete']) {
    await expect(page.getByRole('button', { name: button, exact: true }), button).toBeHidden();
  }
  await page.goto('/');
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.getByRole('link', { name: `Configure ${name}` })).toBeVisible();
  await expect(card.getByRole('button')).toHaveCount(0);
});

test('no form sends what it holds in a URL: only searches are GET forms', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  const id = await install(page, unreachableWordPress(`Forms ${Date.now()}`));
  const pages = [
    '/',
    '/catalog',
    '/settings',
    '/connectors/new',
    ...['details', 'configure', 'authenticate', 'test', 'review'].map((step) => `/connectors/new?step=${step}&draft=${id}&type=wordpress`),
    ...['configuration', 'credentials', 'permissions'].map((tab) => `/connectors/${id}?tab=${tab}`),
  ];
  for (const path of pages) {
    await page.goto(path);
    const forms = await page.locator('form').evaluateAll((forms) =>
      forms.map((form) => ({
        method: (form.getAttribute('method') ?? 'get').toLowerCase(),
        secret: form.querySelector('input[type="password"]') !== null,
        name: form.getAttribute('class') ?? form.getAttribute('action') ?? '',
      })),
    );
    for (const form of forms.filter((form) => form.method === 'get')) {
      expect(['catalog-filters', 'wizard-form'], `${path}: a GET form (${form.name})`).toContain(form.name);
      expect(form.secret, `${path}: a password in a GET form`).toBe(false);
    }
  }
});

test('a form the app sends, submitted without it, saves nothing and says why', async ({ page }) => {
  await signIn(page, accounts.owner, false);
  const response = await page.request.post('/needs-javascript', {
    headers: { Origin: new URL(page.url()).origin },
    form: { application_password: 'typed-secret-value' },
  });
  expect(response.status()).toBe(400);
  const text = await response.text();
  expect(text).toContain('This form needs JavaScript');
  expect(text).toContain('Nothing was saved');
  expect(text).not.toContain('typed-secret-value');
});
