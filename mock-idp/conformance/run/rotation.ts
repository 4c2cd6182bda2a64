/** Steps 5 and 6: key rotation (RS-34, RS-35) and the unknown-kid flood (RS-33). */
import { randomBytes } from 'node:crypto';
import type { PrivateJwk } from '../../start.js';
import { attackerRsaKey, signJws } from '../../tools/faults/index.js';
import { CONFORMANCE_DEFAULTS } from '../defaults.js';
import { describeAnswer, is2xx, judgeAccept, judgeReject, unanswered, type Judgement } from '../judge.js';
import { bearer, now, type Exchange, type Run } from './run.js';

/**
 * Step 5: rotate to a key the API cannot have fetched (RS-34), then retire the old one (RS-35).
 * The new key enters the JWKS only now, after the API's last fetch, so only a refetch finds it:
 * the case waits for `rotationWait`, and at least the API's refetch cooldown after its last fetch.
 */
export async function runRotation(run: Run, key: PrivateJwk, oldKid: string, oldToken: string): Promise<void> {
  await run.noteJwksFetches();
  const keys = await run.driver.rotateKeys(key);
  const active = keys.find((k) => k.status === 'active')?.kid;
  const rotatedAt = Date.now();
  const newToken = await run.mint();
  const { rotationWait, jwksCooldown } = run.settings;
  const cooldownEnds = run.lastJwksFetchSeenAt + jwksCooldown + (jwksCooldown > 0 ? CONFORMANCE_DEFAULTS.cooldownMarginMs : 0);
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  await run.eventually({
    spec: { caseId: 'RS-34', sent: `token signed by a new key${active ? ` ${active}` : ''}, published in the JWKS only after the API's last fetch of it` },
    deadline: Math.max(rotatedAt + rotationWait, cooldownEnds),
    attempt: () => run.call(bearer(newToken)),
    done: (answer) => answer.kind === 'response' && is2xx(answer.status),
    judge: (answer) => {
      const judgement = judgeAccept(answer, 'MUST');
      const after = Date.now() - rotatedAt;
      return judgement.verdict === 'PASS' && after > CONFORMANCE_DEFAULTS.retryEveryMs ? { ...judgement, got: `${judgement.got} after ${seconds(after)}` } : judgement;
    },
    giveUp: (answer) => ({
      verdict: 'FAIL',
      got: `${describeAnswer(answer)} for ${seconds(Date.now() - rotatedAt)}`,
      reason: `a token signed by the newly published key was still refused ${seconds(Date.now() - rotatedAt)} after the rotation${jwksCooldown > 0 ? ` and ${seconds(Date.now() - run.lastJwksFetchSeenAt)} after the API's last JWKS fetch` : ''}: the API does not refetch the JWKS for a new kid (keys fetched once, or pinned). If its refetch cooldown is longer than ${seconds(jwksCooldown)}, pass it as --jwks-cooldown.`,
    }),
  });

  await run.driver.retireKey(oldKid);
  const retiredAt = Date.now();
  await run.eventually({
    spec: { caseId: 'RS-35', sent: `token signed by the old key ${oldKid}, after it left the JWKS` },
    deadline: retiredAt + rotationWait,
    attempt: () => run.call(bearer(oldToken)),
    done: (answer) => answer.kind === 'response' && !is2xx(answer.status),
    judge: (answer) => {
      const judgement = judgeReject(answer, 'SHOULD');
      const after = Date.now() - retiredAt;
      return after > CONFORMANCE_DEFAULTS.retryEveryMs ? { ...judgement, got: `${judgement.got} after ${seconds(after)}` } : judgement;
    },
    giveUp: (answer) => {
      const waited = seconds(Date.now() - retiredAt);
      // A correct API may keep a retired key for its whole cache lifetime: a shorter window proves nothing.
      const conclusive = rotationWait >= CONFORMANCE_DEFAULTS.keyCacheBoundMs;
      return {
        verdict: conclusive ? 'WARN' : 'SKIP',
        got: `${describeAnswer(answer)} for ${waited}`,
        reason: conclusive
          ? `still accepted ${waited} after the key left the JWKS: longer than the 10 min that jwks-rsa, express-oauth2-jwt-bearer and jose keep keys by default; the API never drops retired keys.`
          : `inconclusive: still accepted ${waited} after the key left the JWKS, but a correct API may keep a key up to 10 min (jwks-rsa, express-oauth2-jwt-bearer and jose defaults). Run with --rotation-wait 600 to check the bound.`,
      };
    },
  });
}

/** RS-33: many unknown kids in a row; 401 each time, and the JWKS refetches capped. */
export async function runFlood(run: Run): Promise<void> {
  const attacker = await attackerRsaKey();
  const nonce = randomBytes(4).toString('hex');
  const iat = now();
  const claims = { iss: run.driver.issuer, sub: 'auth0|conformance-flood', aud: run.settings.audience, iat, exp: iat + 300, permissions: run.settings.permissions, scope: run.settings.permissions.join(' ') };
  const fetchesBefore = await run.driver.jwksFetches();
  const statuses = new Map<string, number>();
  let worst: Judgement | undefined;
  let last: Exchange | undefined;
  for (let i = 0; i < CONFORMANCE_DEFAULTS.floodSize; i++) {
    const token = await signJws({ alg: 'RS256', typ: 'at+jwt', kid: `flood-${nonce}-${i}` }, claims, attacker.privateKey);
    last = await run.call(bearer(token));
    const judgement = judgeReject(last.answer, 'SHOULD');
    statuses.set(judgement.got, (statuses.get(judgement.got) ?? 0) + 1);
    if (judgement.verdict === 'FAIL' || (judgement.verdict === 'WARN' && worst?.verdict !== 'FAIL')) worst = worst?.verdict === 'FAIL' ? worst : judgement;
    if (unanswered(last.answer)) break;
  }
  const fetchesAfter = await run.driver.jwksFetches();
  const fetches = fetchesBefore === undefined || fetchesAfter === undefined ? undefined : fetchesAfter - fetchesBefore;
  const got = `${[...statuses].map(([answer, count]) => `${count}× ${answer}`).join(', ')}${fetches === undefined ? '' : `; ${fetches} JWKS fetches`}`;
  let judgement: Judgement = { verdict: 'PASS', got };
  if (worst !== undefined) judgement = { verdict: worst.verdict, got, ...(worst.reason !== undefined ? { reason: worst.reason } : {}) };
  else if (fetches !== undefined && fetches > CONFORMANCE_DEFAULTS.floodFetchCap) {
    judgement = { verdict: 'WARN', got, reason: `${fetches} JWKS fetches for ${CONFORMANCE_DEFAULTS.floodSize} unknown kids: refetches are not capped, so any client can make the API hammer the IdP (cap them: jwks-rsa rateLimit, jose cooldownDuration)` };
  }
  run.record({ caseId: 'RS-33', sent: `${CONFORMANCE_DEFAULTS.floodSize} tokens, each with a different unknown kid` }, judgement, last);
}
