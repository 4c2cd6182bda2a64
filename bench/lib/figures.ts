import { summarize, type Summary } from './stats.js';

/** A target printed beside a figure (never asserted): the median is compared with it. */
export interface Target {
  op: '<=' | '>=';
  value: number;
  /** As printed, e.g. "≤ 150 ms". */
  text: string;
}

export interface Figure {
  label: string;
  unit: string;
  summary: Summary;
  target?: Target;
  /** The peers measured in the same run, as printed beside the figure (e.g. "oauth2-mock-server 1.02×"). */
  peer?: string;
}

export interface SectionResult {
  figures: Record<string, Figure>;
  /** Raw per-run data, for the JSON. */
  details: Record<string, unknown>;
  error?: string;
}

export const figure = (label: string, unit: string, values: readonly number[], target?: Target): Figure => ({
  label,
  unit,
  summary: summarize(values),
  ...(target ? { target } : {}),
});

/** The figure with the peers measured in the same run printed beside it. */
export const withPeer = (f: Figure, peer: string): Figure => ({ ...f, peer });

export const atMost = (value: number, unit: string, text = `≤ ${value} ${unit}`): Target => ({ op: '<=', value, text });
export const atLeast = (value: number, unit: string, text = `≥ ${value} ${unit}`): Target => ({ op: '>=', value, text });

export function verdict(f: Figure): 'pass' | 'MISS' | '—' {
  if (!f.target || Number.isNaN(f.summary.median)) return '—';
  const ok = f.target.op === '<=' ? f.summary.median <= f.target.value : f.summary.median >= f.target.value;
  return ok ? 'pass' : 'MISS';
}
