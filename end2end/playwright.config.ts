import { defineConfig } from '@playwright/test';
import path from 'node:path';

// Release servers are started here (not by cargo-leptos), each on its own port with a
// fresh SQLite database, so a failing test reports cleanly and `make run` can stay up:
// one provisioned with accounts, one fresh for the first-run setup flow.
const port = Number(process.env.E2E_PORT ?? 3100);
const freshPort = port + 1;
const baseURL = `http://127.0.0.1:${port}`;
const freshURL = `http://127.0.0.1:${freshPort}`;
// A certified OpenID provider (npm oidc-provider, support/oidc-provider.mjs) for OAuth sign-in
// and token refresh; it sends people back only to the two servers' callbacks.
export const oauthPort = port + 3;
// A real WordPress (Debian's package, ../scripts/wordpress-site.sh) for connection tests, on
// three ports: as installed, with its REST API switched off (+1), and slow (+2). It writes
// its administrator's Application Password here (Playwright empties test-results/ first).
export const wordpressPort = port + 4;
export const wordpressCredentials = path.join(__dirname, 'test-results', `wordpress-site-${wordpressPort}.json`);

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  // In CI, one more try for a test that failed: a run there is all or nothing, and a rare
  // failure (the login page once did not hydrate in 15 s; 60 loads under full CPU load and
  // two whole runs did not repeat it, and `hydrated()` now reports the cause) should not
  // hide a day's work. The list reporter marks such a test "flaky", so it is seen; locally
  // every failure fails the run.
  retries: process.env.CI ? 1 : 0,
  reporter: 'list',
  timeout: 30_000,
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      // Debian's Chromium; Playwright never downloads a browser here.
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    {
      name: 'hydrated',
      testIgnore: [/\.nojs\.spec\.ts$/, /first-run\.spec\.ts$/],
      use: { javaScriptEnabled: true },
    },
    { name: 'no-javascript', testMatch: /\.nojs\.spec\.ts$/, use: { javaScriptEnabled: false } },
    { name: 'first-run', testMatch: /first-run\.spec\.ts$/, use: { javaScriptEnabled: true, baseURL: freshURL } },
    // Measurements, not checks: run by `make bench-forms` (BENCH=1), never by `make test`.
    ...(process.env.BENCH ? [{ name: 'bench', testDir: './bench', use: { javaScriptEnabled: true } }] : []),
  ],
  webServer: [
    {
      command: `bash ../scripts/wordpress-site.sh ${wordpressPort} ${wordpressCredentials}`,
      // The REST index: 200 once WordPress is installed and Apache serves it.
      url: `http://127.0.0.1:${wordpressPort}/?rest_route=/`,
      reuseExistingServer: false,
      timeout: 60_000,
      // SIGTERM, so that the script drops its database and removes its files.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `node support/oidc-provider.mjs ${oauthPort} ${baseURL}/oauth/callback ${freshURL}/oauth/callback`,
      url: `http://127.0.0.1:${oauthPort}/healthz`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    {
      command: `bash ../scripts/e2e-server.sh ${port} provisioned`,
      url: `${baseURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      // SIGTERM, so that the script removes its database and key file from /tmp.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `bash ../scripts/e2e-server.sh ${freshPort} fresh`,
      url: `${freshURL}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      // SIGTERM, so that the script removes its database and key file from /tmp.
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
