/** The page a browser gets for a path the API does not serve (API clients get JSON). */
import { esc } from '../mock-idp/core/html.js';

export function notFoundPage(path: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · sample-api</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f5f7;color:#1d2330;margin:0}main{max-width:36rem;margin:3rem auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 4px #0002}code{background:#f1f3f5;padding:0 .25rem;border-radius:3px}</style></head>
<body><main><h1>Not found</h1><p>sample-api, the Orders API, has nothing at <code>${esc(path)}</code>. It serves:</p>
<ul><li><code>GET /orders</code> with an access token that grants <code>read:orders</code></li><li><code>POST /orders</code> with one that grants <code>write:orders</code></li><li><code>GET /health</code></li></ul>
<p>The token goes in the <code>Authorization: Bearer</code> header; a browser that opens <code>/orders</code> sends none and gets 401.</p></main></body></html>`;
}
