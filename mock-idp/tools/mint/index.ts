export { mintToken, parseMintRequest, type MintContext, type MintedToken } from './mint-token.js';
export { mintRequestSchema, type MintRequest, type ParsedMintRequest } from './mint-request.js';
export { TOKEN_DIALECTS, type TokenDialect } from '../../core/tenant/schema.js';
