import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

const PASSWORD = 'abcd EFGH 1234 ijkl MNOP 5678';
const NEW_PASSWORD = 'wxyz WXYZ 9876 qrst QRST 5432';

async function noAxeViolations(page: Page) {
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations).toEqual([]);
}

/** The heading of the wizard step, which takes focus when the step shows. */
async function expectStep(page: Page, n: number, title: string) {
  const heading = page.getByRole('heading', { level: 2, name: `Step ${n} of 6: ${title}` });
  await expect(heading).toBeVisible();
  await expect(heading).toBeFocused();
  await expect(page.getByText(`Step ${n} of 6`, { exact: true })).toBeVisible();
}

/** The page's uncaught errors and console errors (a WASM panic shows as both), as they come. */
function pageErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  return problems;
}

/** Presses Tab until `target` has focus: moving through the page by keyboard alone. */
async function tabTo(page: Page, target: Locator, limit = 40) {
  for (let i = 0; i < limit; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) {
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${target} by Tab`);
}

test('a WordPress connector is added through every wizard step, then edited on its page', async ({ page }) => {
  // Every step with an accessibility scan, and a real WordPress: slow on a busy machine.
  test.slow();
  const name = `Blog ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/catalog');
  await hydrated(page);
  // "Add WordPress" starts at its details: the type is chosen already.
  await page.getByRole('link', { name: 'Add WordPress' }).click();
  await expect(page).toHaveURL(/\/connectors\/new\?step=details&type=wordpress/);
  await hydrated(page);
  // Arriving in the app (no page load), focus is on the step, as after each step.
  await expect(page.getByRole('heading', { level: 2, name: 'Step 2 of 6: Name and access' })).toBeFocused();

  // 1. Choose, through Back: WordPress is selected.
  await page.getByRole('link', { name: 'Back' }).click();
  await expect(page.getByRole('heading', { name: 'Step 1 of 6: Choose a connector type' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /WordPress/ })).toBeChecked();
  await noAxeViolations(page);
  await page.getByRole('button', { name: 'Continue' }).click();

  // 2. Details.
  await expectStep(page, 2, 'Name and access');
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(/^WordPress( \d+)?$/);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByLabel('Tags').fill('marketing, blog');
  await noAxeViolations(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // 3. Configure: client-side errors next to the fields and in the summary.
  await expectStep(page, 3, 'Configure');
  await expect(page).toHaveURL(/step=configure&draft=/);
  await noAxeViolations(page);
  const siteUrl = page.getByLabel('Site URL');
  await siteUrl.fill('blog.example.com');
  await siteUrl.blur();
  // Leaving a field changes nothing on the page (clicks.spec.ts): errors show on submit.
  await expect(page.locator('#config-base_5furl-error')).toBeEmpty();
  // Choices read as words, not stored values.
  await expect(page.getByLabel('Status of new posts').locator('option')).toHaveText([
    'Choose…',
    'Draft',
    'Pending review',
    'Published',
    'Private',
  ]);
  // The post type belongs to the box: hidden until it is ticked.
  await expect(page.getByLabel('Post type REST base')).toHaveCount(0);
  await page.getByLabel('Publish to a custom post type').check();
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const summary = page.locator('#config-summary');
  await expect(summary).toBeFocused();
  // The type's own words for the mistake, with an example, not the schema's.
  const fix = 'Enter the full address, starting with https://, e.g. https://blog.example.com.';
  await expect(page.locator('#config-base_5furl-error')).toContainText(fix);
  await expect(siteUrl).toHaveAttribute('aria-invalid', 'true');
  await expect(siteUrl).toHaveAttribute('aria-describedby', /config-base_5furl-error/);
  await expect(summary.getByRole('link', { name: new RegExp(`^Site URL: .*${fix.replaceAll('.', '\\.')}`) })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Post type REST base: Required.' })).toBeVisible();
  await expect(page.locator('#config-post_5ftype-error')).toHaveText('Required.');
  await noAxeViolations(page);
  await summary.getByRole('link', { name: 'Post type REST base: Required.' }).click();
  await expect(page.getByLabel('Post type REST base')).toBeFocused();

  await siteUrl.fill('https://blog.example.com');
  await page.getByLabel('Post type REST base').fill('products');
  await page.getByRole('button', { name: 'Add item' }).click();
  await page.getByRole('textbox', { name: 'Item 1', exact: true }).fill('3');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // 4. Authenticate; a refresh resumes the same step of the same draft.
  await expectStep(page, 4, 'Authenticate');
  const resumeUrl = page.url();
  await page.reload();
  await hydrated(page);
  await expect(page).toHaveURL(resumeUrl);
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
  await noAxeViolations(page);
  await page.getByLabel('Username').fill('editor');
  const password = page.getByLabel('Application password');
  await password.fill(PASSWORD);
  await expect(password).toHaveAttribute('type', 'password');
  // An API secret is not the person's own password: nothing offers to save or invent one.
  await expect(password).toHaveAttribute('autocomplete', 'off');
  await expect(password).toHaveAttribute('data-lpignore', 'true');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide' }).click();
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // 5. Test (skipped here: connection-test.spec.ts runs one) and 6. review. The steps
  // done are links back.
  await expectStep(page, 5, 'Test the connection');
  const progress = page.getByRole('navigation', { name: 'Setup steps' });
  await expect(progress.getByRole('link')).toHaveText(['Choose a connector type', 'Name and access', 'Configure', 'Authenticate']);
  await expect(progress.getByRole('link', { name: 'Configure' })).toHaveAttribute('href', /step=configure&draft=/);
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Continue' }).click();
  await expectStep(page, 6, 'Review and save');
  // As the form showed it: titles, not keys; the configuration is the form, read-only.
  const review = page.locator('[data-step="review"]');
  await expect(page.locator('dl.review').first()).toContainText(name);
  await expect(page.locator('[data-verdict]')).toHaveText(/Not tested yet/);
  await expect(page.locator('dl.review').first()).toContainText('Everyone in this tenant');
  await expect(page.locator('dl.review').first()).toContainText('Every role');
  await expect(review.getByLabel('Site URL')).toHaveValue('https://blog.example.com');
  await expect(review.getByLabel('Site URL')).toBeDisabled();
  await expect(review.getByLabel('Publish to a custom post type')).toBeChecked();
  await expect(review.getByRole('textbox', { name: 'Item 1', exact: true })).toHaveValue('3');
  await expect(review.getByRole('definition').filter({ hasText: 'editor' })).toBeVisible();
  await expect(review.getByRole('term').filter({ hasText: 'Application password' })).toBeVisible();
  await expect(review.getByRole('definition').filter({ hasText: 'Saved, ending 5678' })).toBeVisible();
  for (const raw of ['tenant', 'application_password', 'base_url', 'false']) {
    await expect(review.getByText(raw, { exact: true })).toHaveCount(0);
  }
  await noAxeViolations(page);
  expect(await page.content()).not.toContain(PASSWORD);
  await page.getByRole('link', { name: 'Save (inactive)' }).click();

  // The detail page says what happened, and the instance is on /.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: `${name} is saved (inactive).` })).toBeVisible();
  await hydrated(page);
  await noAxeViolations(page);
  await page.goto('/');
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.locator('[data-status]')).toHaveText(/Inactive/);
  await card.getByRole('link', { name: `Configure ${name}` }).click();

  // Edit the configuration.
  await hydrated(page);
  await expect(page.getByLabel('Site URL')).toHaveValue('https://blog.example.com');
  await page.getByLabel('Status of new posts').selectOption({ label: 'Published' });
  await page.getByRole('button', { name: 'Save configuration' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Configuration saved.' })).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Status of new posts')).toHaveValue('"publish"');

  // Replace the password: it never appears in the page.
  await page.getByRole('link', { name: 'Credentials' }).click();
  await expect(page).toHaveURL(/tab=credentials/);
  await noAxeViolations(page);
  await page.getByRole('button', { name: 'Replace Application password' }).click();
  await page.getByLabel('New application password').fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Credential replaced.' })).toBeVisible();
  await expect(page.locator('[data-field="application_password"]')).toContainText('Saved, ending 5432');
  const content = await page.content();
  expect(content).not.toContain(NEW_PASSWORD);
  expect(content).not.toContain(PASSWORD);
  expect(content).not.toContain(NEW_PASSWORD.replaceAll(' ', '').slice(0, -4));

  await page.getByRole('link', { name: 'Tests' }).click();
  await expect(page.getByText('This connector has not been tested yet.')).toBeVisible();
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Permissions' }).click();
  await expect(page.getByRole('radio', { name: 'Everyone in this tenant' })).toBeChecked();
  await noAxeViolations(page);
  await page.getByRole('link', { name: 'Activity' }).click();
  // Once from the wizard, once from this page.
  await expect(page.getByRole('cell', { name: /^Replaced credentials: / })).toHaveCount(2);
  await noAxeViolations(page);
});

test('a name the server refuses is shown on the name field', async ({ page }) => {
  const name = `Taken ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: { catalog_key: 'wordpress', name, config: { base_url: 'https://a.example.com' } },
  });
  expect(created.status()).toBe(201);

  await page.goto('/connectors/new?type=wordpress&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name.toUpperCase());
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const message = /already exists in this tenant/;
  await expect(page.locator('#details-name-error')).toHaveText(message);
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#details-summary').getByRole('link', { name: message })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Step 2 of 6: Name and access' })).toBeVisible();
});

test('the whole wizard works by keyboard alone', async ({ page }) => {
  const name = `Keyboard ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress');
  await hydrated(page);
  const keyboard = page.keyboard;

  await tabTo(page, page.getByRole('button', { name: 'Continue' }));
  await keyboard.press('Enter');

  await expectStep(page, 2, 'Name and access');
  await tabTo(page, page.getByRole('textbox', { name: 'Name', exact: true }));
  await keyboard.press('ControlOrMeta+a');
  await keyboard.type(name);
  await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
  await keyboard.press('Enter');

  await expectStep(page, 3, 'Configure');
  await tabTo(page, page.getByLabel('Site URL'));
  await keyboard.type('https://keys.example.com');
  await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
  await keyboard.press('Enter');

  await expectStep(page, 4, 'Authenticate');
  await tabTo(page, page.getByLabel('Username'));
  await keyboard.type('editor');
  await tabTo(page, page.getByLabel('Application password'));
  await keyboard.type(PASSWORD);
  await tabTo(page, page.getByRole('button', { name: 'Save and continue' }));
  await keyboard.press('Enter');

  await expectStep(page, 5, 'Test the connection');
  await tabTo(page, page.getByRole('link', { name: 'Continue' }));
  await keyboard.press('Enter');

  await expectStep(page, 6, 'Review and save');
  await tabTo(page, page.getByRole('button', { name: 'Save and activate' }));
  await keyboard.press('Enter');

  // The connector's page, active; its status and Delete by keyboard too.
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Active/);
  await expect(page.getByRole('status').filter({ hasText: `${name} is set up and active.` })).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Deactivate' }));
  await keyboard.press('Enter');
  await expect(page.locator('.detail-heading [data-status]')).toHaveText(/Inactive/);
  await tabTo(page, page.getByRole('button', { name: 'Delete' }));
  await keyboard.press('Enter');
  const dialog = page.getByRole('alertdialog', { name: `Delete ${name}?` });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await keyboard.press('Tab');
  await keyboard.press('Enter');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('status').filter({ hasText: `${name} was deleted.` })).toBeVisible();
  await expect(page.getByRole('heading', { name, exact: true })).toHaveCount(0);
});

test('a draft left behind is listed on / as setup incomplete and resumes', async ({ page }) => {
  const name = `Draft ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');

  await page.goto('/');
  const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card.locator('[data-status]')).toHaveText(/Setup incomplete/);
  await card.getByRole('link', { name: `Continue setup ${name}` }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeVisible();
  await expect(page.getByLabel('Site URL')).toHaveValue('');
});

test('variants, conditional fields, JSON and number inputs of the HTTP / REST form', async ({ page }) => {
  const name = `API ${Date.now()}`;
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=http_rest&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');

  // Defaults are filled in; choosing cursor pagination makes its parameter required.
  await expect(page.getByLabel('Timeout (seconds)')).toHaveValue('10');
  await expect(page.getByRole('radio', { name: 'No paging' })).toBeChecked();
  await page.getByLabel('Base URL').fill('https://api.example.com');
  // The cursor parameter shows with cursor paging only; what was typed in it comes back
  // when cursor paging is chosen again.
  await expect(page.getByLabel('Cursor parameter')).toHaveCount(0);
  const cursorPaging = page.getByRole('radio', { name: 'A cursor from each response' });
  await cursorPaging.check();
  await page.getByLabel('Cursor parameter').fill('after');
  await page.getByRole('radio', { name: 'Page numbers (page=2, page=3, …)' }).check();
  await expect(page.getByLabel('Cursor parameter')).toHaveCount(0);
  await cursorPaging.check();
  await expect(page.getByLabel('Cursor parameter')).toHaveValue('after');
  await page.getByLabel('Cursor parameter').fill('');
  await page.getByLabel('Timeout (seconds)').fill('ten');
  await page.getByLabel('Extra headers').fill('{"X-Team": ');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  const summary = page.locator('#config-summary');
  await expect(summary.getByRole('link', { name: 'Cursor parameter: Required.' })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Timeout (seconds): Must be of type integer.' })).toBeVisible();
  await expect(summary.getByRole('link', { name: /Extra headers: Not valid JSON/ })).toBeVisible();
  // In the order of the form, not the order the checks ran in.
  await expect(summary.getByRole('link')).toHaveText([/^Extra headers:/, /^Timeout \(seconds\):/, /^Cursor parameter:/]);
  await noAxeViolations(page);

  await page.getByLabel('Cursor parameter').fill('next_cursor');
  await page.getByLabel('Timeout (seconds)').fill('5');
  await page.getByLabel('Extra headers').fill('{"X-Team": "growth"}');
  await page.getByRole('button', { name: 'Save and continue' }).click();

  // Authentication variants: switching method swaps the fields and drops the old ones.
  await expectStep(page, 4, 'Authenticate');
  const method = page.getByLabel('Method');
  await method.selectOption({ label: 'Bearer token' });
  await page.getByLabel('Token').fill('bearer-secret-value-123');
  await method.selectOption({ label: 'Username and password' });
  await expect(page.getByLabel('Token')).toHaveCount(0);
  await page.getByLabel('Username').fill('ada');
  // Back and forth keeps what was typed; only the chosen method's fields are saved.
  await method.selectOption({ label: 'Bearer token' });
  await expect(page.getByLabel('Token')).toHaveValue('bearer-secret-value-123');
  await method.selectOption({ label: 'Username and password' });
  await expect(page.getByLabel('Username')).toHaveValue('ada');
  await page.getByLabel('Password').fill('pw-secret-value-456');
  await noAxeViolations(page);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 5, 'Test the connection');

  const id = new URL(page.url()).searchParams.get('draft');
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.config).toEqual({
    base_url: 'https://api.example.com',
    health_path: '/',
    api_key_header: 'X-API-Key',
    timeout_seconds: 5,
    pagination: 'cursor',
    cursor_param: 'next_cursor',
    default_headers: { 'X-Team': 'growth' },
  });
  expect(Object.keys(saved.credentials.fields).sort()).toEqual(['method', 'password', 'username']);
  expect(saved.status).toBe('inactive');
  expect(JSON.stringify(saved)).not.toContain('secret-value');
});

test('repeatable groups: an Airtable field mapping', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=airtable&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Base ${Date.now()}`);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');
  await page.getByLabel('Base ID').fill('appAbCdEfGhIjKlMn');
  await page.getByLabel('Table name or ID').fill('Posts');
  const mapping = page.getByRole('group', { name: 'Field mapping' });
  await mapping.getByRole('button', { name: 'Add item' }).click();
  await mapping.getByRole('button', { name: 'Add item' }).click();
  await expect(mapping.getByRole('group', { name: /^Item \d$/ })).toHaveCount(2);
  await mapping.getByRole('group', { name: 'Item 1' }).getByLabel('Source field').fill('title');
  await mapping.getByRole('group', { name: 'Item 1' }).getByLabel('Airtable field').fill('Name');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  // The second group is empty: both its fields are required.
  await expect(page.locator('#config-summary').getByRole('link', { name: 'Field mapping › item 2 › Source field: Required.' })).toBeVisible();
  await mapping.getByRole('button', { name: 'Remove Item 2' }).click();
  await expect(mapping.getByRole('group', { name: /^Item \d$/ })).toHaveCount(1);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 4, 'Authenticate');
  const id = new URL(page.url()).searchParams.get('draft');
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.config.field_mapping).toEqual([{ source: 'title', field: 'Name' }]);
});

test('browser Back inside the wizard returns to the draft as saved', async ({ page }) => {
  const name = `Back and forth ${Date.now()}`;
  const problems = pageErrors(page);
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');
  // Back with focus in a field.
  await page.getByLabel('Site URL').fill('https://back.example.com');
  await page.goBack();
  await expectStep(page, 2, 'Name and access');
  await expect(page).toHaveURL(/draft=/);
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(name);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');
  const installed = await (await page.request.get('/api/installed')).json();
  const mine = installed.filter((connector: { name: string }) => connector.name.startsWith('Back and forth'));
  expect(mine.map((connector: { name: string }) => connector.name)).toEqual([name]);
  expect(problems).toEqual([]);
});

test('a second connector of a type starts with a name that is free', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  for (const name of ['Notion', 'Notion 2']) {
    const created = await page.request.post('/api/connectors', {
      headers: { Origin: origin },
      data: { catalog_key: 'notion', name, config: {}, draft: true },
    });
    expect([201, 409]).toContain(created.status());
  }
  await page.goto('/connectors/new?step=details&type=notion');
  await hydrated(page);
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(/^Notion (\d+)$/);
  await expect(page.getByRole('textbox', { name: 'Name', exact: true })).not.toHaveValue('Notion 2');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');
});

test('Slack: signing in, Connect is the way on; with a bot token, Save and continue goes on without an error', async ({ page }) => {
  const problems = pageErrors(page);
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: { catalog_key: 'slack', name: `Team chat ${Date.now()}`, config: {}, draft: true },
  });
  const id = (await created.json()).id;
  await page.goto(`/connectors/new?step=authenticate&draft=${id}&type=slack`);
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'Connect with Slack' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Save and continue' })).toBeHidden();
  await expect(page.getByText("Leave empty to use the platform's")).toHaveCount(0);

  await page.getByLabel('How to connect').selectOption({ label: 'Bot token' });
  await expect(page.getByRole('button', { name: 'Connect with Slack' })).toHaveCount(0);
  await page.getByLabel('Bot User OAuth Token').fill('xoxb-1234-5678-abcdefghijkl');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 5, 'Test the connection');
  await page.waitForTimeout(500);
  expect(problems).toEqual([]);
});

test('Stripe: a live key with Mode Test is refused on the key field, in words', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=stripe&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Payments ${Date.now()}`);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 3, 'Configure');
  await expect(page.getByRole('radio', { name: 'Test', exact: true })).toBeChecked();
  await page.getByRole('button', { name: 'Save and continue' }).click();

  await expectStep(page, 4, 'Authenticate');
  const key = page.getByLabel('Secret or restricted key');
  await key.fill('sk_live_WizardLiveKey0123456789');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.locator('#auth-secret_5fkey-error')).toContainText('Mode is Test, so the key must be a test key');
  await expect(key).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
  await key.fill('sk_test_WizardTestKey0123456789');
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expectStep(page, 5, 'Test the connection');
});
