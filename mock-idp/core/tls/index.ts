export { ensureCa, CA_SUBJECT, type Ca } from './ca.js';
export { caBundle } from './ca-bundle.js';
export { TlsError, type TlsErrorCode } from './errors.js';
export { mockIdpHome } from './home.js';
export { issueServerCertificate, SERVER_CERT_DAYS, type ServerCertificate } from './server-certificate.js';
export { LOOPBACK_NAMES } from './subject-alt-names.js';
