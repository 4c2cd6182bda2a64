export { explainFor, explainRequestSchema, type ExplainRequest } from './explain-request.js';
export { explainToken, type CheckName, type ExplainContext, type TokenCheck, type TokenExplanation } from './explain-token.js';
export { explanationView } from './explanation-view.js';
