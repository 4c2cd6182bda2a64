export { HeadlessBrowser, type Page } from './browser.js';
export { loginForTokens, loginThroughApp, HeadlessLoginError, type HeadlessLoginOptions, type TokenSet } from './login.js';
