import { useAuth0 } from '@auth0/auth0-react';
import { useState } from 'react';
import { callOrders, type ApiResult } from './orders-api';

function describe(result: ApiResult): string {
  switch (result.kind) {
    case 'ok':
      return JSON.stringify(result.body, null, 2);
    case 'forbidden':
      return `Not allowed (missing permission ${result.permission ?? 'unknown'})`;
    case 'refused':
      return `The API refused the request: ${result.status} ${result.error ?? ''} ${result.description ?? ''}`.trim();
    case 'failed':
      return `Failed: ${result.message}`;
  }
}

export function App({ apiUrl, refreshTokens }: { apiUrl: string; refreshTokens: boolean }) {
  const { isLoading, isAuthenticated, user, error, loginWithRedirect, logout, getAccessTokenSilently } = useAuth0();
  const [result, setResult] = useState<ApiResult>();
  const [busy, setBusy] = useState(false);

  const call = async (method: 'GET' | 'POST') => {
    setBusy(true);
    try {
      const token = await getAccessTokenSilently();
      if (!token) throw new Error('the SDK returned no access token');
      setResult(await callOrders(apiUrl, token, method));
    } catch (err) {
      const { error: code, message } = err as { error?: string; message?: string };
      setResult({ kind: 'failed', message: `no access token: ${code ?? ''} ${message ?? String(err)}`.trim() });
    } finally {
      setBusy(false);
    }
  };

  // The SPA is one page: its redirect_uri and logout URL are its origin. Any other path is a wrong link.
  if (window.location.pathname !== '/') {
    return (
      <main className="not-found">
        <h1>Nothing here</h1>
        <p>
          sample-spa is one page, at <code>/</code>; <code>{window.location.pathname}</code> is not part of it.
        </p>
        <a className="button" href="/">
          Open sample-spa
        </a>
      </main>
    );
  }

  return (
    <>
      <div className="banner" role="note" data-testid="banner">
        {isAuthenticated
          ? 'Signed in through mock-idp, a TEST identity provider: never use it in production.'
          : 'This app logs in through mock-idp, a TEST identity provider: never use it in production.'}
      </div>
      <main>
        <h1>sample-spa</h1>
        <p className="mode">Silent token renewal: {refreshTokens ? 'rotating refresh tokens (in memory)' : 'hidden iframe (prompt=none)'}</p>
        {error && (
          <p role="alert" data-testid="auth-error">
            Login error: {error.message}
          </p>
        )}
        {isLoading ? (
          <p data-testid="status">Loading…</p>
        ) : isAuthenticated ? (
          <>
            <p data-testid="status">
              Signed in as <strong data-testid="user-name">{user?.name}</strong> ({user?.email})
            </p>
            <p>
              <button type="button" disabled={busy} onClick={() => void call('GET')}>
                Call API (GET /orders)
              </button>{' '}
              <button type="button" disabled={busy} onClick={() => void call('POST')}>
                Create order (POST /orders)
              </button>{' '}
              <button type="button" className="secondary" onClick={() => void logout({ logoutParams: { returnTo: window.location.origin } })}>
                Log out
              </button>
            </p>
            {result && (
              <pre data-testid="api-result" data-kind={result.kind}>
                {describe(result)}
              </pre>
            )}
          </>
        ) : (
          <>
            <p data-testid="status">Signed out.</p>
            <button type="button" onClick={() => void loginWithRedirect()}>
              Log in
            </button>
          </>
        )}
      </main>
    </>
  );
}
