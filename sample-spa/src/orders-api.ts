/** Calls sample-api's /orders with an access token and says what came back, RFC 6750 errors included. */
export type ApiResult =
  | { kind: 'ok'; status: number; body: unknown }
  | { kind: 'forbidden'; permission: string | undefined }
  | { kind: 'refused'; status: number; error: string | undefined; description: string | undefined }
  | { kind: 'failed'; message: string };

/** One parameter of a `WWW-Authenticate: Bearer ...` challenge. */
function challengeParam(header: string | null, name: string): string | undefined {
  return header ? new RegExp(`${name}="([^"]*)"`).exec(header)?.[1] : undefined;
}

export async function callOrders(apiUrl: string, accessToken: string, method: 'GET' | 'POST'): Promise<ApiResult> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/orders`, {
      method,
      headers: {
        Authorization: `Bearer ${accessToken}`,
        ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify({ item: 'Espresso cups', quantity: 2 }) } : {}),
    });
  } catch (err) {
    return { kind: 'failed', message: `the API could not be reached (${String(err)})` };
  }
  const challenge = response.headers.get('WWW-Authenticate');
  if (response.status === 403) return { kind: 'forbidden', permission: challengeParam(challenge, 'scope') };
  if (!response.ok) {
    return { kind: 'refused', status: response.status, error: challengeParam(challenge, 'error'), description: challengeParam(challenge, 'error_description') };
  }
  return { kind: 'ok', status: response.status, body: await response.json() };
}
