// A real OpenID provider (panva's oidc-provider, certified by the OpenID
// Foundation) on loopback, for Postel's OAuth2 tests: dynamic client
// registration, PKCE, the RFC 9207 `iss` answer, refresh tokens,
// introspection (Dovecot's oauth2 passdb checks tokens with it) and
// revocation. Its development login pages take any user name, so a test
// signs in as a mail user by submitting them over HTTP.
//
//   PORT=10080 ACCESS_TTL=60 node provider.mjs
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT || 10080);
const issuer = `http://127.0.0.1:${port}`;
const provider = new Provider(issuer, {
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
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider on ${issuer}`));
