/** The case definitions, the fault presets they use, and the generated teaching page. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_PATHS } from '../../mock-idp/core/package-paths.js';
import { CATALOGUE_CASES, FAULTS } from '../../mock-idp/tools/faults/index.js';
import { CONFORMANCE_CASES, renderConformanceDoc } from '../../mock-idp/conformance/index.js';
import { CONFORMANCE_DOC_PATH, REGENERATE_COMMAND } from '../../mock-idp/conformance/doc.js';

describe('the RS case definitions', () => {
  it('define RS-01 to RS-40 once each, in order', () => {
    expect(CONFORMANCE_CASES.map((c) => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => `RS-${String(i + 1).padStart(2, '0')}`));
  });

  it('give each case a level, an expected answer, a reference, and the teaching text with a fix per library', () => {
    for (const c of CONFORMANCE_CASES) {
      expect(['MUST', 'SHOULD'], c.id).toContain(c.level);
      expect(c.levelText.startsWith(c.level), c.id).toBe(true);
      for (const text of [c.title, c.expected, c.reference, c.sent, c.why, c.incident, c.fix.expressJwt, c.fix.auth0, c.fix.jose]) {
        expect(text.trim().length, c.id).toBeGreaterThan(0);
      }
    }
  });

  it('agree with the fault presets on the level and the reference of every case the presets forge', () => {
    for (const preset of FAULTS) {
      const c = CONFORMANCE_CASES.find((k) => k.id === preset.caseId);
      expect(c, preset.id).toBeDefined();
      expect({ level: preset.level, reference: preset.reference }, preset.id).toEqual({ level: c!.level, reference: c!.reference });
    }
  });

  it('take id, title, level and reference from the one catalogue table the fault presets use too (tools/faults/cases.ts)', () => {
    expect(CONFORMANCE_CASES.map(({ id, title, level, reference }) => ({ id, title, level, reference }))).toEqual(CATALOGUE_CASES);
  });
});

describe(CONFORMANCE_DOC_PATH, () => {
  it('is exactly what renderConformanceDoc() generates from the definitions', () => {
    const file = join(PACKAGE_PATHS.root, CONFORMANCE_DOC_PATH);
    const onDisk = readFileSync(file, 'utf8');
    expect(onDisk === renderConformanceDoc(), `${CONFORMANCE_DOC_PATH} is out of date with mock-idp/conformance/cases.ts: regenerate it with \`${REGENERATE_COMMAND}\``).toBe(true);
  });

  it('has a section per case with what is sent, why, the incident and three fixes', () => {
    const doc = renderConformanceDoc();
    for (const c of CONFORMANCE_CASES) {
      const start = doc.indexOf(`## ${c.id} ${c.title}\n`);
      expect(start, c.id).toBeGreaterThan(0);
      const section = doc.slice(start, doc.indexOf('\n## ', start + 1) === -1 ? undefined : doc.indexOf('\n## ', start + 1));
      for (const part of ['**What is sent.**', '**Why.**', '**Behind it.**', '- express-jwt + jwks-rsa:', '- express-oauth2-jwt-bearer (Auth0):', '- jose:']) {
        expect(section, `${c.id} ${part}`).toContain(part);
      }
    }
    for (const preset of FAULTS) expect(doc).toContain(`- \`${preset.id}\` (`);
  });
});
