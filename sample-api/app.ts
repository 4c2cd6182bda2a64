/**
 * The Auth0 tutorial's Orders API:
 *   app.get('/orders', checkJwt, requirePermission('read:orders'), handler)
 */
import cors from 'cors';
import express from 'express';
import type { ApiConfig } from './config.js';
import { createCheckJwt } from './auth/check-jwt.js';
import { requirePermission } from './auth/require-permission.js';
import { createErrorHandler } from './error-handler.js';
import { notFoundPage } from './not-found-page.js';
import { createOrder, createOrderStore, listOrders, listPublicOrders } from './orders.js';

export type AppConfig = Pick<ApiConfig, 'issuer' | 'audience' | 'jwksUri' | 'clockTolerance' | 'jwksCacheMaxAge'> & Partial<Pick<ApiConfig, 'corsOrigins' | 'jwksRequestAgent'>>;

export function createApiApp(config: AppConfig): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const checkJwt = createCheckJwt(config);
  const orders = createOrderStore();
  // Browser apps on these origins (sample-spa) may call the API; preflights are answered before any token check.
  app.use(
    cors({
      origin: config.corsOrigins ?? [],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Authorization', 'Content-Type'],
      exposedHeaders: ['WWW-Authenticate'],
      maxAge: 600,
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/public/orders', listPublicOrders(orders));
  app.get('/orders', checkJwt, requirePermission('read:orders'), listOrders(orders));
  // The body is parsed only once the caller is authorised.
  app.post(
    '/orders',
    checkJwt,
    requirePermission('write:orders'),
    express.json({ limit: '10kb' }),
    createOrder(orders),
  );

  // JSON for API clients; a browser that opens a wrong URL gets a page saying what the API serves.
  app.use((req, res) => {
    res.status(404);
    if (req.accepts(['json', 'html']) === 'html') res.type('html').send(notFoundPage(req.path));
    else res.json({ error: 'not_found', error_description: 'No such route' });
  });
  app.use(createErrorHandler(config.audience));
  return app;
}
