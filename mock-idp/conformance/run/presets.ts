/** Steps 4 and 6: one token per fault preset, judged by what the preset expects. */
import type { FaultPreset } from '../../tools/faults/index.js';
import { MintRefusedError } from '../errors.js';
import { judgeAccept, judgeEither, judgeReject, type Judgement } from '../judge.js';
import type { Answer } from '../types.js';
import { bearer, type CheckSpec, type Run } from './run.js';

/** What a correct API answers to a fault preset. */
function presetExpected(preset: FaultPreset): string {
  if (preset.expect === 'accept') return '200';
  if (preset.expect === 'either') return '401 invalid_token or 200, never 5xx';
  return '401 invalid_token';
}

function presetSpec(preset: FaultPreset): CheckSpec {
  return {
    caseId: preset.caseId,
    checkId: preset.id,
    ...(preset.variant !== undefined ? { variant: preset.variant } : {}),
    title: preset.title,
    level: preset.level,
    sent: preset.title,
    expected: presetExpected(preset),
    reference: preset.reference,
  };
}

function judgePreset(preset: FaultPreset, answer: Answer): Judgement {
  if (preset.expect === 'accept') return judgeAccept(answer, preset.level);
  if (preset.expect === 'either') return judgeEither(answer, preset.level);
  return judgeReject(answer, preset.level);
}

/** The presets of step 4 (signed by the active key) and of step 6 (unknown kids). */
export const UNKNOWN_KID_CASES = new Set(['RS-29', 'RS-30', 'RS-31', 'RS-32']);
export const SPECIAL_PRESETS = new Set(['RS-07']);

export async function runPreset(run: Run, preset: FaultPreset): Promise<void> {
  const spec = presetSpec(preset);
  let token: string;
  try {
    token = await run.mint({
      fault: preset.id,
      clockTolerance: run.settings.clockTolerance,
      ...(preset.uses?.includes('canaryUrl') ? { canaryUrl: run.canary.urlFor(preset.id) } : {}),
    });
  } catch (err) {
    if (!(err instanceof MintRefusedError)) throw err;
    run.record(spec, { verdict: 'SKIP', got: 'not sent', reason: err.message });
    return;
  }
  const fetchesBefore = preset.caseId === 'RS-32' ? await run.driver.jwksFetches() : undefined;
  const exchange = await run.call(bearer(token));
  let judgement = judgePreset(preset, exchange.answer);
  if (preset.caseId === 'RS-30') {
    const hits = run.canary.hitsFor(preset.id);
    if (hits.length > 0) {
      judgement = { verdict: 'FAIL', got: `${judgement.got}; the canary was fetched (${hits.join(', ')})`, reason: `the API fetched the URL the token's ${preset.variant ?? 'jku'} header names: the attacker chooses the key, and the API makes requests for them (SSRF)` };
    } else {
      judgement = { ...judgement, got: `${judgement.got}; canary not fetched` };
    }
  }
  if (fetchesBefore !== undefined) {
    const fetchesAfter = await run.driver.jwksFetches();
    if (fetchesAfter !== undefined) {
      const refetches = fetchesAfter - fetchesBefore;
      judgement = { ...judgement, got: `${judgement.got}; JWKS ${refetches === 0 ? 'not refetched' : `refetched ${refetches}×`}` };
    }
  }
  run.record(spec, judgement, exchange);
}
