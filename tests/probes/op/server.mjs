// A real OpenID Provider (oidc-provider 9.13.3) for vendortui's probe tests.
//
// Started by tests/probes/conftest.py with one JSON argument:
//   {"secret": "<machine client secret>", "cert": "<pem path>", "key": "<pem path>"}
// ("cert"/"key" only for https). It listens on a free 127.0.0.1 port, builds the issuer from
// that port (the issuer is a constructor argument, so the port must be known first) and prints
// one line "READY <issuer>" on stdout.
//
// Test users: the devInteractions login name picks the account; a login containing "hwk"
// signs in with amr ["hwk"] (a security key), anything else with amr ["pwd"] (password only).
// devInteractions' own login submit records no amr, so the login POST is finished here with
// one (the pages, the consent prompt and everything else stay devInteractions').
import { createServer as createHttp } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { readFileSync } from 'node:fs';

import { exportJWK, generateKeyPair, createLocalJWKSet, jwtVerify } from 'jose';
import Provider, { errors } from 'oidc-provider';

const options = JSON.parse(process.argv[2] ?? '{}');
const API_AUDIENCE = 'https://api.test';

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

let handler = (_req, res) => { res.statusCode = 503; res.end(); };
const listener = (req, res) => handler(req, res);
const server = options.cert
  ? createHttps({ cert: readFileSync(options.cert), key: readFileSync(options.key) }, listener)
  : createHttp(listener);
await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
const scheme = options.cert ? 'https' : 'http';
const issuer = `${scheme}://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'machine',
      client_secret: options.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    {
      client_id: 'native',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      grant_types: [
        'authorization_code',
        'refresh_token',
        'urn:ietf:params:oauth:grant-type:device_code',
      ],
      response_types: ['code'],
      redirect_uris: ['http://127.0.0.1/callback'],
    },
  ],
  jwks: { keys: [signingJwk] },
  cookies: { keys: ['vendortui-test-cookie-key'] },
  claims: { openid: ['sub', 'amr'], email: ['email'] },
  async findAccount(_ctx, accountId) {
    return {
      accountId,
      async claims() {
        return { sub: accountId, email: `${accountId}@example.test` };
      },
    };
  },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    deviceFlow: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (ctx, _client, oneOf) => oneOf
        ?? (ctx.oidc.params?.grant_type === 'client_credentials' ? API_AUDIENCE : undefined),
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator) => {
        if (indicator !== API_AUDIENCE) throw new errors.InvalidTarget();
        return {
          scope: 'api:read',
          audience: API_AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  scopes: ['openid', 'offline_access', 'email', 'api:read'],
  pkce: { required: () => true },
  // A hardened provider: code flow only, so implicit is not advertised.
  responseTypes: ['code', 'none'],
});

const readForm = (req) => new Promise((resolve, reject) => {
  let raw = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => { raw += chunk; });
  req.on('end', () => resolve(new URLSearchParams(raw)));
  req.on('error', reject);
});

provider.use(async (ctx, next) => {
  if (ctx.method !== 'POST' || !/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
  const { prompt } = await provider.interactionDetails(ctx.req, ctx.res);
  if (prompt.name !== 'login') return next();
  const login = (await readForm(ctx.req)).get('login');
  const amr = [login.includes('hwk') ? 'hwk' : 'pwd'];
  const returnTo = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId: login, amr } },
    { mergeWithLastSubmission: false },
  );
  ctx.status = 303;
  ctx.redirect(returnTo);
});

// The "authenticated API" a probe may call: 204 for a valid access token for API_AUDIENCE.
const apiKeys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'test-rs256', alg: 'RS256' }] });
provider.use(async (ctx, next) => {
  if (ctx.path !== '/api/ping') return next();
  const match = /^Bearer (.+)$/.exec(ctx.get('authorization'));
  try {
    if (!match) throw new Error('no token');
    await jwtVerify(match[1], apiKeys, { issuer, audience: API_AUDIENCE, algorithms: ['RS256'] });
    ctx.status = 204;
  } catch {
    ctx.status = 401;
  }
});

handler = provider.callback();
process.stdout.write(`READY ${issuer}\n`);
