// oauth4webapi 3 validates a JWT access token as a resource server would (RFC 9068): signature
// against the environment's JWKS, iss, aud, exp, typ "at+jwt". Input: GATEHOUSE_INTEROP JSON
// { issuer, audience, accessToken }; output: the validated claims, or { failure }.
import * as oauth from 'oauth4webapi';

const input = JSON.parse(process.env.GATEHOUSE_INTEROP ?? '{}');
const options = { [oauth.allowInsecureRequests]: true }; // http on 127.0.0.1 only, in tests
try {
  const issuer = new URL(input.issuer);
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
  const request = new Request(new URL('/api', issuer), { headers: { authorization: `Bearer ${input.accessToken}` } });
  const claims = await oauth.validateJwtAccessToken(as, request, input.audience, options);
  process.stdout.write(JSON.stringify({ iss: claims.iss, aud: claims.aud, sub: claims.sub, scope: claims.scope, client_id: claims.client_id }));
} catch (e) {
  process.stdout.write(JSON.stringify({ failure: e.message, code: e.code }));
  process.exitCode = 1;
}
