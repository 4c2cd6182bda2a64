import type { Context } from 'koa';

export class BodyError extends Error {
  constructor(readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

const LIMIT = 64 * 1024;

async function readText(ctx: Context): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LIMIT) throw new BodyError(413, `request body over ${LIMIT} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An `application/x-www-form-urlencoded` body (the login and consent forms). */
export async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) throw new BodyError(415, 'expected an application/x-www-form-urlencoded body');
  return new URLSearchParams(await readText(ctx));
}

/** A JSON body (the admin API). An empty body is `{}`. */
export async function readJson(ctx: Context): Promise<unknown> {
  const text = await readText(ctx);
  if (text.trim() === '') return {};
  if (!ctx.is('application/json')) throw new BodyError(415, 'expected an application/json body');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new BodyError(400, `body is not valid JSON: ${(cause as Error).message}`);
  }
}
