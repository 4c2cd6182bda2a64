/**
 * docs/conformance.md, generated from the case definitions (cases.ts) and the
 * fault presets (faults/catalogue.ts) the harness runs, so the page cannot drift.
 */
import { faultsForCase } from '../tools/faults/index.js';
import { APP_CONFORMANCE_CASES, type AppConformanceCase } from './app/cases.js';
import { CONFORMANCE_CASES, type ConformanceCase } from './cases.js';
import { APP_CONFORMANCE_DEFAULTS, CONFORMANCE_DEFAULTS } from './defaults.js';

export const CONFORMANCE_DOC_PATH = 'docs/conformance.md';
export const REGENERATE_COMMAND = 'npm run docs:conformance';

function anchor(c: { id: string; title: string }): string {
  return `${c.id} ${c.title}`
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .trim()
    .replace(/ /g, '-');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function section(c: ConformanceCase): string {
  const presets = faultsForCase(c.id);
  const lines = [
    `## ${c.id} ${c.title}`,
    '',
    `**Level:** ${c.levelText} · **Expected:** ${c.expected} · **Reference:** ${c.reference}`,
    '',
    `**What is sent.** ${c.sent}`,
    '',
  ];
  if (presets.length > 0) {
    lines.push(`Fault preset${presets.length > 1 ? 's' : ''} (\`mock-idp token --fault <id>\`, \`POST /_mock/tokens {"fault": "<id>"}\`):`, '');
    for (const p of presets) lines.push(`- \`${p.id}\` (${p.expect === 'accept' ? 'accept' : p.expect === 'either' ? 'accept or refuse' : 'refuse'}, ${p.level}) — ${p.title}: ${p.explanation}`);
    lines.push('');
  }
  lines.push(
    `**Why.** ${c.why}`,
    '',
    `**Behind it.** ${c.incident}`,
    '',
    '**How to fix it.**',
    '',
    `- express-jwt + jwks-rsa: ${c.fix.expressJwt}`,
    `- express-oauth2-jwt-bearer (Auth0): ${c.fix.auth0}`,
    `- jose: ${c.fix.jose}`,
    '',
  );
  return lines.join('\n');
}

function appSection(c: AppConformanceCase): string {
  return [
    `## ${c.id} ${c.title}`,
    '',
    `**Level:** ${c.level} · **Expected:** ${c.expected} · **Reference:** ${c.reference}`,
    '',
    `**What is planted.** ${c.planted}`,
    '',
    `**Why.** ${c.why}`,
    '',
    `**Behind it.** ${c.incident}`,
    '',
    '**How to get it right.**',
    '',
    `- express-openid-connect: ${c.fix.eoc}`,
    `- openid-client: ${c.fix.openidClient}`,
    `- passport: ${c.fix.passport}`,
    '',
  ].join('\n');
}

function appPart(): string[] {
  return [
    '# Login-app conformance: what an app that logs users in must refuse',
    '',
    'The relying-party part of the catalogue (RP cases): `mock-idp conformance app` logs the test user into your app through the mock once per case. For that one login (keyed by its `state`, `nonce` and `code_challenge`, never for other logins) the mock plants one fault: it re-signs the ID token of the authorization response or of the token response with a claim changed, another algorithm or another key; it answers userinfo with another `sub`; or it answers `error=access_denied`. The state cases are the browser\'s: the harness changes the callback it carries. Then it asks the protected page: a 2xx there means the app created a session from the faulty login. The mock\'s events (`login.code_redeemed`, `login.userinfo`) show whether the app redeemed the code or called userinfo.',
    '',
    '```sh',
    'npx mock-idp conformance app --login-url http://localhost:3000/login --protected-url http://localhost:3000/profile --client-id sample-app',
    'npx mock-idp conformance app --login-url http://localhost:3000/login --protected-url http://localhost:3000/profile --client-id sample-app \\',
    '  --issuer http://localhost:4000/ --format junit --out app-conformance.xml',
    '# RP-21 and RP-25 too (sample-app started with SESSION_ROLLING_DURATION=2 SESSION_ABSOLUTE_DURATION=3):',
    'npx mock-idp conformance app ... --refresh-url http://localhost:3000/orders --session-idle 2 --session-absolute 3',
    '```',
    '',
    `Verdicts, exit codes and the JSON / JUnit shapes are the API harness's. The unfaulted login (RP-00) runs first; if it does not reach the protected page the run stops and names the likely cause (client id or secret, callback not registered, issuer and its trailing slash, HTTPS trust). RP-13 publishes a new key and retries the login until \`--rotation-wait\` (default ${APP_CONFORMANCE_DEFAULTS.rotationWait / 1000} s: openid-client, under express-openid-connect, refetches the JWKS for an unknown kid only once its copy is 60 s old), RP-14 the same with a key no client can parse beside it (\`POST /_mock/keys/unparseable\`); the keys are removed afterwards, so a running mock keeps its keys. RP-24 runs for an application with a \`backchannelLogoutUri\`: the harness POSTs forged logout tokens (made by the mock, \`POST /_mock/logout-tokens\`) to it, then a valid one. RP-21 needs \`--refresh-url\` (a page where the app refreshes its tokens), RP-25 the app's own limits (\`--session-idle\`, \`--session-absolute\`, seconds): RP-25 waits them out, so it adds about the longer limit plus \`--session-margin\` (default ${APP_CONFORMANCE_DEFAULTS.sessionMargin / 1000} s) to the run. A case that does not apply (no userinfo call, no refresh URL, no stated limits, no back-channel logout URI, a JWKS the app never fetches) is SKIP with the reason. In code: \`runAppConformance({ loginUrl, protectedUrl, clientId, idp })\` from \`mock-idp\`, or \`describeAppConformance(options)\` from \`mock-idp/conformance/vitest\`.`,
    '',
    '| id | case | expected | level | reference |',
    '| --- | --- | --- | --- | --- |',
    ...APP_CONFORMANCE_CASES.map((c) => `| [${c.id}](#${anchor(c)}) | ${cell(c.title)} | ${cell(c.expected)} | ${c.level} | ${cell(c.reference)} |`),
    '',
    ...APP_CONFORMANCE_CASES.map(appSection),
  ];
}

/** The whole teaching page, in Markdown. */
export function renderConformanceDoc(): string {
  const d = CONFORMANCE_DEFAULTS;
  const header = [
    '# API conformance: what a JWT-protected API must refuse',
    '',
    `<!-- Generated by renderConformanceDoc() from mock-idp/conformance/cases.ts, mock-idp/conformance/app/cases.ts and mock-idp/tools/faults/catalogue.ts. Do not edit by hand: change the definitions and run \`${REGENERATE_COMMAND}\`. -->`,
    '',
    'The login-app (relying-party) cases follow the API cases: [Login-app conformance](#login-app-conformance-what-an-app-that-logs-users-in-must-refuse).',
    '',
    'Every case of the failure-mode catalogue\'s resource-server part (RS-01 to RS-40): what the harness sends, why a correct API answers as it must, the incident or CVE behind it, and how to get it right with express-jwt, Auth0\'s express-oauth2-jwt-bearer and jose.',
    '',
    '## Running it',
    '',
    '```sh',
    'npx mock-idp conformance api --url http://localhost:3001/orders --audience https://api.example.com --permission read:orders',
    'npx mock-idp conformance api --url http://localhost:3001/orders --audience https://api.example.com --permission read:orders \\',
    '  --issuer http://localhost:4000/ --format junit --out conformance.xml',
    '```',
    '',
    `Without \`--issuer\` the command starts a mock-idp on \`--port\` (default ${d.port}); configure the API under test for that issuer (\`http://localhost:${d.port}/\`). With \`--issuer\` it drives a running mock-idp through its admin API. The run rotates to a signing key it never published before and retires the old one, as a real IdP does, then puts the mock's key ring back as it found it (the report's \`keysRestored\`; the command says so on stderr, and warns if it could not).`,
    '',
    `Options: \`--method\` (default ${d.method}), \`--body JSON\`, \`--user\` (default: the tenant's first user), \`--token-dialect\` (\`access_token_authz\`: Auth0's default profile, typ JWT; \`rfc9068_profile_authz\`: typ at+jwt; default the tenant's setting for the API), \`--clock-tolerance S\` (the API's leeway, default ${d.clockTolerance}), \`--rotation-wait S\` (how long RS-34 / RS-35 may take, default ${d.rotationWait / 1000}), \`--jwks-cooldown S\` (the API's minimum time between JWKS refetches: RS-34 waits that long after its last fetch before failing, default ${d.jwksCooldown / 1000}, jose's; an API that refetches at once is not waited for), \`--timeout S\` (per request, default ${d.requestTimeout / 1000}), \`--format text|json|junit\`, \`--out FILE\`, \`--admin-token\`.`,
    '',
    'Verdicts: **PASS**; **FAIL** — a MUST requirement is broken, or the API hung or dropped the connection; **WARN** — a SHOULD requirement is not met, or a refusal came with the wrong status or challenge; **SKIP** — the options make the check impossible (e.g. a clock tolerance of 0 for RS-14\'s inside case). Exit code 1 when anything failed, 0 otherwise, 2 for bad arguments or an unreachable API or IdP.',
    '',
    'The good-token baseline (RS-40) runs first. If the API refuses it, nothing else is run: the report names the likely misconfiguration (issuer with or without its trailing slash, JWKS URL, audience, clock) from variants of the token it tried and from whether the API fetched the JWKS at all.',
    '',
    'In code: `runApiConformance({ url, audience, permission, idp })` (exported by `mock-idp`) returns every check; `describeApiConformance(options)` from `mock-idp/conformance/vitest` turns the catalogue into one vitest test per case inside your own suite.',
    '',
    '## The cases',
    '',
    '| id | case | expected | level | reference |',
    '| --- | --- | --- | --- | --- |',
    ...CONFORMANCE_CASES.map((c) => `| [${c.id}](#${anchor(c)}) | ${cell(c.title)} | ${cell(c.expected)} | ${cell(c.levelText)} | ${cell(c.reference)} |`),
    '',
  ];
  return `${[...header, ...CONFORMANCE_CASES.map(section), ...appPart()].join('\n').trimEnd()}\n`;
}
