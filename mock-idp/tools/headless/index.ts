export { findForms, HeadlessBrowser, type HeadlessBrowserOptions, type Page } from './browser.js';
export { loginForTokens, loginThroughApp, HeadlessLoginError, type HeadlessLoginOptions, type LoginThroughAppOptions, type TokenSet } from './login.js';
export { fetchTrustingCa } from './trusting-fetch.js';
