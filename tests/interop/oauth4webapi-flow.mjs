// Drives oauth4webapi 3 (a client no one here wrote) through the authorization code flow against a
// Gatehouse environment, the browser part handed to the test's Chromium (browser-handoff.mjs).
// The library checks: discovery issuer, the callback's iss (RFC 9207) and state, the token
// response and ID token claims (iss, aud, nonce, exp), the ID token signature against the JWKS
// (validateApplicationLevelSignature) and the access token as a resource server would (RFC 9068:
// signature, iss, aud, exp, typ at+jwt). Then refresh with rotation, userinfo, introspection,
// revocation, client credentials and the password grant when the input names their clients.
import * as oauth from 'oauth4webapi';
import { handOffToBrowser, run } from './browser-handoff.mjs';

const input = JSON.parse(process.env.GATEHOUSE_INTEROP ?? '{}');
const options = { [oauth.allowInsecureRequests]: true }; // http on 127.0.0.1 only, in tests
const issuer = new URL(input.issuer);
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));

function resourceRequest(accessToken) {
  return new Request(new URL('/api', issuer), { headers: { authorization: `Bearer ${accessToken}` } });
}

async function code() {
  const client = { client_id: input.clientId };
  const auth = oauth.ClientSecretBasic(input.clientSecret);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', client.client_id);
  url.searchParams.set('redirect_uri', input.redirectUri);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', input.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  const callbackUrl = new URL(await handOffToBrowser(url.href));

  const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, input.redirectUri, verifier, options);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: nonce, requireIdToken: true });
  await oauth.validateApplicationLevelSignature(as, response, options);
  const idClaims = oauth.getValidatedIdTokenClaims(tokens);
  const accessClaims = await oauth.validateJwtAccessToken(as, resourceRequest(tokens.access_token), input.audience, options);

  const refreshResponse = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, options);
  const refreshed = await oauth.processRefreshTokenResponse(as, client, refreshResponse);
  const refreshedClaims = await oauth.validateJwtAccessToken(as, resourceRequest(refreshed.access_token), input.audience, options);
  const userinfo = await oauth.processUserInfoResponse(as, client, idClaims.sub,
    await oauth.userInfoRequest(as, client, refreshed.access_token, options));
  const introspect = async (token) => oauth.processIntrospectionResponse(as, client,
    await oauth.introspectionRequest(as, client, auth, token, options));
  const active = await introspect(refreshed.access_token);
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token, { ...options, additionalParameters: { token_type_hint: 'refresh_token' } }));
  const afterRevocation = await introspect(refreshed.refresh_token);
  // RFC 7009 §2.1: revoking the refresh token also ends the access tokens of the grant.
  const accessAfterRevocation = await introspect(refreshed.access_token);

  return {
    callbackIss: callbackUrl.searchParams.get('iss'),
    idTokenIss: idClaims.iss,
    idTokenAud: idClaims.aud,
    subject: idClaims.sub,
    accessTokenIss: accessClaims.iss,
    accessTokenAud: accessClaims.aud,
    accessTokenClientId: accessClaims.client_id,
    accessTokenBusinessCode: accessClaims.business_code,
    scope: tokens.scope,
    rotated: refreshed.refresh_token !== tokens.refresh_token,
    refreshedAccessTokenSub: refreshedClaims.sub,
    userinfoSub: userinfo.sub,
    userinfoBusinessCode: userinfo.business_code,
    introspectionActive: active.active,
    introspectionClientId: active.client_id,
    refreshActiveAfterRevocation: afterRevocation.active,
    accessActiveAfterRevocation: accessAfterRevocation.active,
  };
}

async function clientCredentials() {
  const client = { client_id: input.clientId };
  const auth = oauth.ClientSecretBasic(input.clientSecret);
  const tokens = await oauth.processClientCredentialsResponse(as, client,
    await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: input.scope }, options));
  const claims = await oauth.validateJwtAccessToken(as, resourceRequest(tokens.access_token), input.audience, options);
  return { clientId: claims.client_id, iss: claims.iss, aud: claims.aud, hasRefreshToken: tokens.refresh_token !== undefined };
}

async function password() {
  const client = { client_id: input.clientId };
  const auth = oauth.ClientSecretBasic(input.clientSecret);
  const tokens = await oauth.processGenericTokenEndpointResponse(as, client,
    await oauth.genericTokenEndpointRequest(as, client, auth, 'password', { username: input.username, password: input.password, scope: input.scope }, options));
  const claims = await oauth.validateJwtAccessToken(as, resourceRequest(tokens.access_token), input.audience, options);
  return { clientId: claims.client_id, sub: claims.sub, iss: claims.iss, hasRefreshToken: tokens.refresh_token !== undefined };
}

await run({ code, client_credentials: clientCredentials, password }, input);
