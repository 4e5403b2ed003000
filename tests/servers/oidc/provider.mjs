// A real OpenID provider (panva's oidc-provider, certified by the OpenID
// Foundation) on loopback, for Postel's OAuth2 tests: dynamic client
// registration, PKCE, the RFC 9207 `iss` answer, refresh tokens,
// introspection (Dovecot's oauth2 passdb checks tokens with it) and
// revocation. Its development login pages take any user name, so a test
// signs in as a mail user by submitting them over HTTP.
//
// A second provider answers over HTTPS on the default port of another
// loopback address (WEB_HOST), as a provider publishes its metadata at
// https://<mail host>/.well-known/… (RFC 8414): Postel finds that one
// without being told, by the mail server's host.
//
//   PORT=10080 ACCESS_TTL=60 [WEB_HOST=127.0.0.2 WEB_CERT=.. WEB_KEY=..] node provider.mjs
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 10080);
const issuer = `http://127.0.0.1:${port}`;

const configuration = () => ({
  clients: [
    // A client ID set by hand, as a distribution or a user would.
    {
      client_id: 'postel-preconfigured',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    },
    // Dovecot, a resource server asking whether a token is good.
    {
      client_id: 'dovecot',
      client_secret: 'dovecot-secret',
      redirect_uris: [],
      response_types: [],
      grant_types: [],
    },
  ],
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  features: {
    registration: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: true },
  },
  // Short-lived access tokens, so renewal is seen within a test.
  ttl: {
    AccessToken: Number(process.env.ACCESS_TTL || 60),
    RefreshToken: 24 * 3600,
    Grant: 24 * 3600,
    Session: 24 * 3600,
    Interaction: 3600,
  },
  scopes: ['openid', 'offline_access', 'email'],
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id }) }),
});

const provider = new Provider(issuer, configuration());
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider on ${issuer}`));

const webHost = process.env.WEB_HOST;
if (webHost) {
  const web = new Provider(`https://${webHost}`, configuration());
  const tls = { cert: fs.readFileSync(process.env.WEB_CERT), key: fs.readFileSync(process.env.WEB_KEY) };
  https
    .createServer(tls, web.callback())
    // Port 443 needs root (or CAP_NET_BIND_SERVICE): without it only the
    // discovery test fails, saying so, and the first provider goes on.
    .on('error', (err) => console.error(`oidc-provider on https://${webHost} failed: ${err.message}`))
    .listen(443, webHost, () => console.log(`oidc-provider on https://${webHost}`));
}
