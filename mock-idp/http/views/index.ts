import type { OidcViews } from '../../oidc/views.js';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage } from './device-pages.js';
import { notFoundPage } from './front-door-page.js';
import { LOGOUT_SCRIPT_SOURCES, logoutPage, messagePage } from './message-page.js';

/** The pages oidc-provider renders, as the oidc layer takes them. */
export const oidcViews: OidcViews = {
  message: messagePage,
  logout: logoutPage,
  logoutScriptSources: LOGOUT_SCRIPT_SOURCES,
  deviceCodeInput: deviceCodeInputPage,
  deviceConfirm: deviceConfirmPage,
  deviceSuccess: deviceSuccessPage,
  notFound: notFoundPage,
};
