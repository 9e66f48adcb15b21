// A real OpenID Connect provider for bka's SSO tests: oidc-provider (OpenID certified), with its
// own development login form. Started by tests/oidc_fixtures.py; not for production use.
//
// Environment:
//   BKA_OIDC_ACCOUNTS      a JSON file {login: {sub, email, email_verified, name, groups,
//                          organisation}}, read again at every login, so a test can change an
//                          account's claims between logins
//   BKA_OIDC_REDIRECT_URIS comma-separated redirect URIs of the bka client
//   BKA_OIDC_LOGOUT_URIS   comma-separated post-logout redirect URIs
//   BKA_OIDC_CLIENT_ID, BKA_OIDC_CLIENT_SECRET
// It listens on a free port of 127.0.0.1 and prints "READY <issuer>" once it answers.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
};
const list = (name) => env(name).split(',').map((item) => item.trim()).filter(Boolean);

const accountsFile = env('BKA_OIDC_ACCOUNTS');
const SCOPES = ['openid', 'email', 'profile', 'groups', 'organisation'];

function accounts() {
  return JSON.parse(readFileSync(accountsFile, 'utf8'));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: env('BKA_OIDC_CLIENT_ID'),
      client_secret: env('BKA_OIDC_CLIENT_SECRET'),
      redirect_uris: list('BKA_OIDC_REDIRECT_URIS'),
      post_logout_redirect_uris: list('BKA_OIDC_LOGOUT_URIS'),
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
      organisation: ['organisation'],
    },
    scopes: SCOPES,
    cookies: { keys: ['bka-test-oidc-cookie-key-not-secret'] },
    pkce: { required: () => true },
    // The login name typed into the provider's form is the account's key in the accounts file;
    // an unknown one is refused by the provider.
    async findAccount(ctx, id) {
      const account = accounts()[id];
      if (!account) {
        return undefined;
      }
      return {
        accountId: id,
        async claims() {
          return { ...account, sub: account.sub || id };
        },
      };
    },
    // A first-party application: no consent page (as with an administrator's consent in Entra
    // ID); the login form is still the provider's own.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) {
        return ctx.oidc.provider.Grant.find(grantId);
      }
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(SCOPES.join(' '));
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  console.log(`READY ${issuer}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
