import { esc } from '../../http/views/html.js';
import type { TokenExplanation } from './explain-token.js';

/** The explainer's verdict as a section of the debugger page. */
export function explanationView(explanation: TokenExplanation, audience: string | undefined): string {
  const failed = explanation.checks.filter((c) => c.status === 'fail');
  const verdict = explanation.valid
    ? `An API ${audience ? `for ${audience} ` : ''}that checks everything accepts this token.`
    : `An API must refuse this token: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.map((c) => c.check).join(', ')}).`;
  const checks = explanation.checks
    .map((c) => `<tr><td>${esc(c.check)}</td><td class="${c.status}">${esc(c.status)}</td><td>${c.code ? `<code>${esc(c.code)}</code>` : ''}</td><td>${esc(c.detail)}</td></tr>`)
    .join('');
  const decoded = explanation.header
    ? `<h3>Header</h3><pre>${esc(JSON.stringify(explanation.header, null, 2))}</pre><h3>Payload</h3><pre>${esc(JSON.stringify(explanation.payload, null, 2))}</pre>`
    : '';
  const times = explanation.times?.length
    ? `<h3>Times</h3><table id="times"><tr><th>claim</th><th>time</th><th>from now (real time, as an API sees it)</th>${explanation.times.some((t) => t.onMockClock) ? "<th>on the mock's clock</th>" : ''}</tr>${explanation.times
        .map((t) => `<tr><td><code>${esc(t.claim)}</code></td><td>${esc(t.iso)}</td><td>${esc(t.relative)}</td>${t.onMockClock ? `<td>${esc(t.onMockClock)}</td>` : ''}</tr>`)
        .join('')}</table>`
    : '';
  return `<h2 id="verdict">${explanation.valid ? 'Valid' : 'Refused'}</h2><p class="${explanation.valid ? '' : 'error'}">${esc(verdict)}</p>
<table id="checks"><tr><th>check</th><th>result</th><th>jose code</th><th>detail</th></tr>${checks}</table>${times}${decoded}`;
}
