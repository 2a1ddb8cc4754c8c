// Drives openid-client 6 (a client no one here wrote) against a Gatehouse environment.
// Input: one JSON object in the GATEHOUSE_INTEROP environment variable; output: JSON lines on stdout
// (the last one is the result).
//   step "code": discovery, PKCE S256, state, nonce -> authorization URL handed to the test's
//                Chromium (login + consent there) -> callback URL back on stdin -> code exchange
//                (the library checks iss per RFC 9207, state, PKCE, the ID token's claims and, with
//                non-repudiation checks on, its signature against the JWKS), refresh with rotation,
//                userinfo, introspection, revocation, reuse of the rotated refresh token.
//   step "client_credentials": client credentials grant.
//   step "password": password grant (Client apps only).
import * as client from 'openid-client';
import { handOffToBrowser, run } from './browser-handoff.mjs';

const input = JSON.parse(process.env.GATEHOUSE_INTEROP ?? '{}');
const config = await client.discovery(
  new URL(input.issuer),
  input.clientId,
  undefined,
  client.ClientSecretBasic(input.clientSecret),
  // http on 127.0.0.1 only, in tests; ID token signatures checked against the JWKS.
  { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
);

async function code() {
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
  const callbackUrl = new URL(await handOffToBrowser(url.href));

  const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const userinfo = await client.fetchUserInfo(config, refreshed.access_token, idClaims.sub);
  const active = await client.tokenIntrospection(config, refreshed.access_token);

  // RFC 7009: revoke the first access token; the refreshed one is untouched.
  await client.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
  const firstAfterRevocation = await client.tokenIntrospection(config, tokens.access_token);
  const refreshedAfterRevocation = await client.tokenIntrospection(config, refreshed.access_token);

  // The rotated refresh token again, after the retry grace (the test sets it to 0): refused, and
  // the family (the refreshed refresh token) is revoked with it (ADR 0009).
  let reuse;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    reuse = 'accepted';
  } catch (e) {
    reuse = e.error ?? e.code ?? String(e);
  }
  const familyAfterReuse = await client.tokenIntrospection(config, refreshed.refresh_token);

  return {
    callbackIss: callbackUrl.searchParams.get('iss'),
    issuer: idClaims.iss,
    idTokenAudience: idClaims.aud,
    subject: idClaims.sub,
    scope: tokens.scope,
    businessCode: tokens.BusinessCode,
    refreshTokenExpiresIn: tokens.refresh_token_expires_in,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
    userinfoSub: userinfo.sub,
    userinfoBusinessCode: userinfo.business_code,
    introspectionActive: active.active,
    introspectionAudience: active.aud,
    introspectionClientId: active.client_id,
    revokedAccessTokenActive: firstAfterRevocation.active,
    refreshedAccessTokenActiveAfterRevocation: refreshedAfterRevocation.active,
    reuseOfRotatedToken: reuse,
    familyActiveAfterReuse: familyAfterReuse.active,
    accessToken: refreshed.access_token,
  };
}

async function clientCredentials() {
  const tokens = await client.clientCredentialsGrant(config, { scope: input.scope });
  return { scope: tokens.scope, expiresIn: tokens.expires_in, hasRefreshToken: tokens.refresh_token !== undefined, accessToken: tokens.access_token };
}

async function password() {
  const tokens = await client.genericGrantRequest(config, 'password', { username: input.username, password: input.password, scope: input.scope });
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const introspected = await client.tokenIntrospection(config, refreshed.access_token);
  return {
    scope: tokens.scope,
    hasRefreshToken: tokens.refresh_token !== undefined,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
    refreshTokenExpiresIn: tokens.refresh_token_expires_in,
    introspectionActive: introspected.active,
    accessToken: refreshed.access_token,
  };
}

await run({ code, client_credentials: clientCredentials, password }, input);
