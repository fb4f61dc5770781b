// A real, OpenID-certified authorization server (npm oidc-provider) on loopback for the
// OAuth tests: `node support/oidc-provider.mjs PORT REDIRECT_URI...`.
//
// Issuer http://127.0.0.1:PORT; one confidential client (CLIENT_ID and CLIENT_SECRET below,
// authenticating with HTTP Basic) whose redirect URIs are the arguments after the port.
// PKCE (S256) is required of it; access tokens live 30 s (under the hub's 60 s refresh
// margin, so every use after sign-in refreshes first); a refresh token is issued when
// `offline_access` is granted (which the provider does only with `prompt=consent`) and is
// rotated on every refresh, the presented one consumed (presenting it again revokes the
// whole grant). Sign-in and consent are the provider's own development interactions: any
// login, any password, then "Continue". Endpoints: /auth, /token, /token/revocation, /me
// (userinfo: needs the `openid` scope), /.well-known/openid-configuration.
//
// For the tests only: GET /healthz (Playwright's webServer wait), and
// GET /control/tokens?account=LOGIN, the token values issued to that login so far, oldest
// first, and the userinfo calls made with them (to check that no token reaches a page,
// which token a connection test used, and to revoke one at the revocation endpoint).
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

export const CLIENT_ID = 'e2e-client';
// With characters that HTTP Basic client credentials must encode (RFC 6749 §2.3.1).
export const CLIENT_SECRET = 'e2e-client secret+value/50%:1';

const port = Number(process.argv[2]);
const redirectUris = process.argv.slice(3);
if (!port || redirectUris.length === 0) {
  console.error('usage: node support/oidc-provider.mjs PORT REDIRECT_URI...');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

// The provider warns that its in-memory storage and development interactions are for
// development only, which is what they are here.
const warn = console.warn;
console.warn = (...args) => {
  if (!String(args[0]).includes('development-only')) warn(...args);
};

// A signing key of this run (ID tokens), instead of the provider's published development key.
const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: 'e2e',
  use: 'sig',
};

/** Token values issued, oldest first, with the login they were issued to. */
const issued = [];
/** Userinfo calls: the access token presented and the status answered. */
const userinfo = [];

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  // PKCE for every client, not only public ones (the default).
  pkce: { methods: ['S256'], required: () => true },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 30,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 24 * 3600,
    Grant: 24 * 3600,
    Interaction: 3600,
    Session: 24 * 3600,
  },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
    userinfo: { enabled: true },
  },
  // Any login is an account whose subject is that login.
  async findAccount(_ctx, sub) {
    return { accountId: sub, claims: async () => ({ sub }) };
  },
  cookies: { keys: ['e2e-only-cookie-signing-key'] },
});

for (const kind of ['access_token', 'refresh_token']) {
  provider.on(`${kind}.saved`, (token) => issued.push({ kind, value: token.jti, account: token.accountId }));
}
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/me') {
    const header = ctx.get('authorization');
    userinfo.push({ token: header.startsWith('Bearer ') ? header.slice(7) : null, status: ctx.status });
  }
});

function tokensOf(account) {
  const mine = issued.filter((token) => token.account === account);
  const values = (kind) => mine.filter((token) => token.kind === kind).map((token) => token.value);
  const access = values('access_token');
  return {
    access_tokens: access,
    refresh_tokens: values('refresh_token'),
    userinfo: userinfo.filter((call) => access.includes(call.token)),
  };
}

const callback = provider.callback();
http
  .createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/healthz') {
      res.end('ok');
    } else if (req.method === 'GET' && url.pathname === '/control/tokens') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(tokensOf(url.searchParams.get('account'))));
    } else {
      callback(req, res);
    }
  })
  .listen(port, '127.0.0.1');
