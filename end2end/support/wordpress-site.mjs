// A stand-in for a WordPress site, for connection tests: the REST route the WordPress
// connector tests (GET /?rest_route=/wp/v2/users/me) with HTTP Basic authentication, and
// POST /control/revoke?user=NAME (and /control/restore?user=NAME), after which that user's
// application password is refused with WordPress's own 401 body (accepted again). Users
// whose name starts with "slow" are answered after 1.5 s, so a test can watch the
// progress indicator. Started by playwright.config.ts.
import http from 'node:http';

const port = Number(process.argv[2]);
const revoked = new Set();

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

http
  .createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') {
      res.end('ok');
    } else if (req.method === 'POST' && url.pathname === '/control/revoke') {
      revoked.add(url.searchParams.get('user'));
      res.writeHead(204).end();
    } else if (req.method === 'POST' && url.pathname === '/control/restore') {
      revoked.delete(url.searchParams.get('user'));
      res.writeHead(204).end();
    } else if (req.method === 'GET' && url.pathname === '/' && url.searchParams.get('rest_route') === '/wp/v2/users/me') {
      const header = req.headers.authorization ?? '';
      const [user, password] = header.startsWith('Basic ')
        ? Buffer.from(header.slice(6), 'base64').toString().split(':')
        : [];
      const delay = user?.startsWith('slow') ? 1500 : 0;
      setTimeout(() => answer(res, user, password), delay);
    } else {
      json(res, 404, { code: 'rest_no_route', message: 'No route was found.', data: { status: 404 } });
    }
  })
  .listen(port, '127.0.0.1');

function answer(res, user, password) {
  if (!user || !password || revoked.has(user)) {
    json(res, 401, {
      code: 'rest_not_logged_in',
      message: 'You are not currently logged in.',
      data: { status: 401 },
    });
  } else {
    json(res, 200, { id: 1, name: user, slug: user, roles: ['administrator'] });
  }
}
