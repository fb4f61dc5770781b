import { expect, test, type Locator, type Page } from '@playwright/test';
import { accounts, hydrated, signIn } from '../fixtures/accounts';

/**
 * Clicks like a person: the pointer goes to where the button is now, presses, and lets go
 * a moment later at the same spot. Whatever the press changes (it blurs the field being
 * edited) happens between the two, so a button that moves away in between never gets the
 * click — which Playwright's own `click()`, re-aiming after every change, would hide.
 */
async function personClick(page: Page, target: Locator) {
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  expect(box).not.toBeNull();
  const x = box!.x + box!.width / 2;
  const y = box!.y + box!.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.waitForTimeout(80);
  await page.mouse.up();
}

// Tall enough that the forms do not scroll: at the end of a scrolled page, a line that
// goes away above the button makes the page scroll back by as much, and the button stays
// under the pointer by chance.
test.use({ viewport: { width: 1280, height: 1400 } });

async function configureStep(page: Page) {
  await signIn(page, accounts.owner, true);
  await page.goto('/connectors/new?type=wordpress&step=details');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(`Clicked blog ${Date.now()} ${Math.random()}`);
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Step 3 of 6: Configure' })).toBeVisible();
}

test('the first click after fixing a field is not lost', async ({ page }) => {
  await configureStep(page);
  const siteUrl = page.getByLabel('Site URL');
  await personClick(page, siteUrl);
  await page.keyboard.type('blog.example.com');
  await page.keyboard.press('Tab');
  // Fixed by retyping, then straight to the button.
  await personClick(page, siteUrl);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('https://blog.example.com');
  await personClick(page, page.getByRole('button', { name: 'Save and continue' }));
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
});

test('a click on Save with a wrong field shows the error summary at once', async ({ page }) => {
  await configureStep(page);
  await personClick(page, page.getByLabel('Site URL'));
  await page.keyboard.type('blog.example.com');
  await personClick(page, page.getByRole('button', { name: 'Save and continue' }));
  const summary = page.locator('#config-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link', { name: /Site URL/ }).first()).toBeVisible();

  // Fixed while the error shows: the line goes as the fix is typed, and the next click lands.
  await personClick(page, page.getByLabel('Site URL'));
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('https://blog.example.com');
  await personClick(page, page.getByRole('button', { name: 'Save and continue' }));
  await expect(page.getByRole('heading', { name: 'Step 4 of 6: Authenticate' })).toBeVisible();
});

test('Save configuration on the connector page takes the first click after a fix', async ({ page }) => {
  await signIn(page, accounts.owner, true);
  const origin = new URL(page.url()).origin;
  const created = await page.request.post('/api/connectors', {
    headers: { Origin: origin },
    data: { catalog_key: 'wordpress', name: `Configured blog ${Date.now()}`, config: { base_url: 'https://blog.example.com' } },
  });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  await page.goto(`/connectors/${id}?tab=configuration`);
  await hydrated(page);
  const siteUrl = page.getByLabel('Site URL');
  await personClick(page, siteUrl);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('blog.example.org');
  await page.keyboard.press('Tab');
  await personClick(page, siteUrl);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('https://blog.example.org');
  await personClick(page, page.getByRole('button', { name: 'Save configuration' }));
  await expect(page.getByRole('status').filter({ hasText: /saved/i })).toBeVisible();
  const saved = await (await page.request.get(`/api/connectors/${id}`)).json();
  expect(saved.config.base_url).toBe('https://blog.example.org');
});
