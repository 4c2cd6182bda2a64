import type { OidcViews } from '../../oidc/views.js';
import { deviceCodeInputPage, deviceConfirmPage, deviceSuccessPage } from './device-pages.js';
import { logoutPage, messagePage } from './message-page.js';

/** The pages oidc-provider renders, as the oidc layer takes them. */
export const oidcViews: OidcViews = {
  message: messagePage,
  logout: logoutPage,
  deviceCodeInput: deviceCodeInputPage,
  deviceConfirm: deviceConfirmPage,
  deviceSuccess: deviceSuccessPage,
};
