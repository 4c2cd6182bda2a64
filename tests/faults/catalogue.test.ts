import { describe, expect, it } from 'vitest';
import { CATALOGUE_CASES, FAULTS, faultsForCase, findFault } from '../../mock-idp/tools/faults/index.js';

const rsId = (n: number): string => `RS-${String(n).padStart(2, '0')}`;
/** Cases about the request, not the token: RS-01..06, RS-33..35, RS-39, RS-40. */
const REQUEST_SHAPE_CASES = new Set([1, 2, 3, 4, 5, 6, 33, 34, 35, 39, 40].map(rsId));
const FORGEABLE_CASES = Array.from({ length: 40 }, (_, i) => rsId(i + 1)).filter((id) => !REQUEST_SHAPE_CASES.has(id));

describe('fault catalogue', () => {
  it('covers every forgeable RS case of the failure-mode catalogue (RS-07..RS-32, RS-36..RS-38)', () => {
    const covered = new Set(FAULTS.map((preset) => preset.caseId));
    expect([...covered].sort()).toEqual(FORGEABLE_CASES);
  });

  it('has no preset for a request-shape case', () => {
    expect(FAULTS.filter((preset) => REQUEST_SHAPE_CASES.has(preset.caseId))).toEqual([]);
  });

  it('gives every preset an id that is unique case-insensitively', () => {
    const ids = FAULTS.map((preset) => preset.id.toLowerCase());
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps the catalogue id in every preset id: the bare id for single presets (and a case\'s original preset, RS-18), id-variant otherwise', () => {
    for (const preset of FAULTS) {
      const siblings = faultsForCase(preset.caseId);
      if (siblings.length === 1 || preset.id === 'RS-18') {
        expect(preset.id).toBe(preset.caseId);
        expect(preset).not.toHaveProperty('variant');
      } else {
        expect(preset.id).toMatch(new RegExp(`^${preset.caseId}-[a-z0-9-]+$`));
        expect(preset.variant).toBeTruthy();
      }
    }
  });

  it("gives every preset its case's level and reference, from the one catalogue table (RS-01..RS-40)", () => {
    expect(CATALOGUE_CASES.map((c) => c.id)).toEqual(Array.from({ length: 40 }, (_, i) => rsId(i + 1)));
    for (const preset of FAULTS) {
      const c = CATALOGUE_CASES.find((k) => k.id === preset.caseId);
      expect(c, preset.id).toBeDefined();
      expect({ level: preset.level, reference: preset.reference }, preset.id).toEqual({ level: c!.level, reference: c!.reference });
    }
  });

  it('explains every preset in one line', () => {
    for (const preset of FAULTS) {
      expect(preset.title.trim(), preset.id).not.toBe('');
      expect(preset.explanation, preset.id).toMatch(/^[^\n]{20,200}$/);
      expect(preset.reference.trim(), preset.id).not.toBe('');
    }
  });

  it('expects a 200 only for RS-14 inside the tolerance and the Auth0 aud array (RS-19)', () => {
    expect(FAULTS.filter((preset) => preset.expect === 'accept').map((preset) => preset.id)).toEqual(['RS-14-inside', 'RS-19']);
  });

  it('leaves the kid-less token (RS-36) to the API: try each key or refuse', () => {
    expect(FAULTS.filter((preset) => preset.expect === 'either').map((preset) => preset.id)).toEqual(['RS-36']);
  });

  it('marks the canary presets as needing a canary URL', () => {
    const needCanary = FAULTS.filter((preset) => preset.uses?.includes('canaryUrl')).map((preset) => preset.id);
    expect(needCanary).toEqual(['RS-30-jku', 'RS-30-x5u']);
  });

  it('cannot be changed by its users', () => {
    const preset = FAULTS[0];
    expect(Object.isFrozen(FAULTS)).toBe(true);
    expect(Object.isFrozen(preset)).toBe(true);
    expect(() => {
      (preset as { title: string }).title = 'changed';
    }).toThrow(TypeError);
  });
});

describe('findFault', () => {
  it('finds a preset whatever the case of the id', () => {
    expect(findFault('rs-23-MIXEDCASE')?.variant).toBe('nOnE');
    expect(findFault(' RS-13 ')?.id).toBe('RS-13');
  });

  it('returns undefined for an unknown id and for a case id that has variants', () => {
    expect(findFault('RS-99')).toBeUndefined();
    expect(findFault('RS-23')).toBeUndefined();
  });
});

describe('faultsForCase', () => {
  it('lists the four alg-none spellings of RS-23', () => {
    expect(faultsForCase('rs-23').map((preset) => preset.variant)).toEqual(['none', 'None', 'NONE', 'nOnE']);
  });

  it('returns nothing for a request-shape case', () => {
    expect(faultsForCase('RS-01')).toEqual([]);
  });
});
