/** The API conformance harness: the RS catalogue against any JWT-protected endpoint. */
export type { Answer, ApiConformanceOptions, CheckResult, ConformanceReport, ConformanceSummary, Diagnosis, Level, SentRequest, Verdict } from './types.js';
export { runApiConformance } from './runner.js';
export { APP_CONFORMANCE_DEFAULTS, CONFORMANCE_DEFAULTS } from './defaults.js';
export { CONFORMANCE_CASES, conformanceCase, type CaseFixes, type ConformanceCase } from './cases.js';
export { ConformanceSetupError, MintRefusedError, type ConformanceSetupCode } from './errors.js';
export { httpDriver, inProcessDriver, type IdpDriver } from './driver.js';
export { renderJson, renderJunit, renderReport, renderText, summaryLine, type ReportFormat } from './report.js';
export { renderConformanceDoc } from './doc.js';
export { runAppConformance } from './app/runner.js';
export { APP_CONFORMANCE_CASES, appConformanceCase, type AppCaseFixes, type AppConformanceCase } from './app/cases.js';
export type { AppConformanceOptions, AppConformanceReport, AppDiagnosis } from './app/types.js';
export type { AnyConformanceReport } from './report.js';
