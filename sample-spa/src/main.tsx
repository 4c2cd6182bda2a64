import { Auth0Provider } from '@auth0/auth0-react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { loadRuntimeConfig } from './runtime-config';

const root = createRoot(document.getElementById('root')!);

loadRuntimeConfig().then(
  (config) => {
    root.render(
      <StrictMode>
        <Auth0Provider
          domain={config.domain}
          clientId={config.clientId}
          authorizationParams={{ redirect_uri: window.location.origin, audience: config.audience, scope: config.scope }}
          // Tokens live in memory only (never localStorage); with refresh tokens the SDK keeps
          // the refresh token inside a web worker and rotates it on every use.
          cacheLocation="memory"
          useRefreshTokens={config.useRefreshTokens}
          // After a reload the in-memory refresh token is gone: fall back to the iframe (prompt=none).
          useRefreshTokensFallback={config.useRefreshTokens}
        >
          <App apiUrl={config.apiUrl} refreshTokens={config.useRefreshTokens} />
        </Auth0Provider>
      </StrictMode>,
    );
  },
  (err: unknown) => {
    root.render(<p role="alert">sample-spa could not load /config.json: {String(err)}</p>);
  },
);
