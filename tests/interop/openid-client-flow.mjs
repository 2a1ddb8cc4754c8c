// Drives openid-client 6 (a client no one here wrote) against a Gatehouse environment.
// Input: one JSON object in the GATEHOUSE_INTEROP environment variable; output: one JSON object on stdout.
//   step "start":  discovery, PKCE S256, state, nonce -> { url, verifier, state, nonce }
//   step "finish": code exchange (iss, state, PKCE and ID token checked by the library), refresh with
//                  rotation, userinfo, introspection, revocation -> a summary of what the server said
//   step "client_credentials": client credentials grant -> { scope, expiresIn }
import * as client from 'openid-client';

const input = JSON.parse(process.env.GATEHOUSE_INTEROP ?? '{}');
const config = await client.discovery(
  new URL(input.issuer),
  input.clientId,
  undefined,
  client.ClientSecretBasic(input.clientSecret),
  { execute: [client.allowInsecureRequests] }, // http on 127.0.0.1 only, in tests
);

async function start() {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: input.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, verifier, state, nonce };
}

async function finish() {
  const tokens = await client.authorizationCodeGrant(config, new URL(input.callbackUrl), {
    pkceCodeVerifier: input.verifier,
    expectedState: input.state,
    expectedNonce: input.nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  let reuse;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    reuse = 'accepted';
  } catch (e) {
    reuse = e.error ?? e.code ?? String(e);
  }
  const userinfo = await client.fetchUserInfo(config, refreshed.access_token, idClaims.sub);
  const active = await client.tokenIntrospection(config, refreshed.access_token);
  await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
  const afterRevocation = await client.tokenIntrospection(config, refreshed.refresh_token);
  return {
    issuer: idClaims.iss,
    audience: idClaims.aud,
    subject: idClaims.sub,
    scope: tokens.scope,
    businessCode: tokens.BusinessCode,
    refreshTokenExpiresIn: tokens.refresh_token_expires_in,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
    reuseOfRotatedToken: reuse,
    userinfoSub: userinfo.sub,
    userinfoBusinessCode: userinfo.business_code,
    introspectionActive: active.active,
    introspectionAudience: active.aud,
    activeAfterRevocation: afterRevocation.active,
    accessToken: refreshed.access_token,
  };
}

async function clientCredentials() {
  const tokens = await client.clientCredentialsGrant(config, { scope: input.scope });
  return { scope: tokens.scope, expiresIn: tokens.expires_in, hasRefreshToken: tokens.refresh_token !== undefined, accessToken: tokens.access_token };
}

const steps = { start, finish, client_credentials: clientCredentials };
try {
  process.stdout.write(JSON.stringify(await steps[input.step]()));
} catch (e) {
  process.stdout.write(JSON.stringify({ failure: e.message, code: e.code, error: e.error, cause: String(e.cause ?? '') }));
  process.exitCode = 1;
}
