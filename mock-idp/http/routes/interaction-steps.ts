import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { InteractionCsrf } from '../csrf.js';

/** The steps of a login attempt that interaction.ts provides (its CSRF-checked form, the interaction, the result, the CSRF tokens of its pages). */
export interface InteractionSteps {
  checkedForm(ctx: Context): Promise<URLSearchParams>;
  details(ctx: Context): Promise<{ uid: string; prompt: { name: string }; params: Record<string, unknown> }>;
  finish(ctx: Context, result: InteractionResults): Promise<void>;
  csrf: InteractionCsrf;
}
