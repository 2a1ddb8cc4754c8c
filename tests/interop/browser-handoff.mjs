// The half-way point of an authorization code flow run from the .NET tests: print the authorization
// URL as one JSON line and wait for the callback URL (one line on stdin) that the test's headless
// Chromium captured after the Class user logged in and consented.
import * as readline from 'node:readline';

export async function handOffToBrowser(url) {
  process.stdout.write(JSON.stringify({ authorize: url }) + '\n');
  const lines = readline.createInterface({ input: process.stdin });
  for await (const line of lines) {
    lines.close();
    return line.trim();
  }
  throw new Error('stdin closed before the callback URL arrived');
}

export async function run(steps, input) {
  try {
    process.stdout.write(JSON.stringify(await steps[input.step]()) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ failure: e.message, code: e.code, error: e.error, cause: String(e.cause ?? '') }) + '\n');
    process.exitCode = 1;
  }
}
