import { verdict, type Figure } from './figures.js';

/** A number for the table: 3 significant digits below 100, integers above. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return 'n/a';
  const abs = Math.abs(x);
  if (abs >= 100) return Math.round(x).toLocaleString('en-US');
  if (abs >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** | figure | median | min | max | target | verdict | peer (same run) | */
export function figuresTable(figures: Figure[]): string {
  const rows = figures.map((f) => {
    const unit = f.unit === '×' ? '×' : ` ${f.unit}`;
    return `| ${cell(f.label)} | ${fmt(f.summary.median)}${unit} | ${fmt(f.summary.min)} | ${fmt(f.summary.max)} | ${f.target?.text ?? ''} | ${verdict(f)} | ${cell(f.peer ?? '')} |`;
  });
  return ['| figure | median | min | max | target | verdict | peer (same run) |', '| --- | ---: | ---: | ---: | --- | --- | --- |', ...rows].join('\n');
}
