/** The pages oidc-provider renders through the mock (they live in http/views and are passed in). */
export interface OidcViews {
  /** Error, refusal and "logged out" pages: a title, a line, an optional error code. */
  message(title: string, text: string, detail?: { error: string; description?: string | undefined }): string;
  /** oidc-provider's RP-initiated logout confirmation form, submitted at once. */
  logout(form: string): string;
  /** CSP sources (hashes) for the logout page's inline script: oidc-provider's response gets them in `script-src`. */
  logoutScriptSources: readonly string[];
  deviceCodeInput(form: string, error?: string): string;
  deviceConfirm(form: string, clientName: string, userCode: string): string;
  deviceSuccess(clientName: string): string;
  /** A path nothing answers: the page a browser gets (API clients get JSON `not_found`). */
  notFound(method: string, path: string): string;
}
