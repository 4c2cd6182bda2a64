import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { JsonGeneralName } from '@peculiar/x509';
import { TlsError } from './errors.js';

/** Every server certificate covers the loopback names a browser or client may use for a local server. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * subjectAltName entries for `names`: IP addresses as iPAddress, the rest as dNSName.
 * A browser matches an IP only against iPAddress entries and a host name only against dNSName ones,
 * so an address written as a DNS name would never match.
 */
export function subjectAltNames(names: readonly string[]): JsonGeneralName[] {
  const entries = new Map<string, JsonGeneralName>();
  for (const name of [...LOOPBACK_NAMES, ...names]) {
    const entry = generalName(name);
    entries.set(`${entry.type}:${entry.value}`, entry);
  }
  return [...entries.values()];
}

function generalName(input: string): JsonGeneralName {
  const name = input.trim().replace(/^\[(.*)\]$/, '$1');
  // A zone (fe80::1%eth0) names an interface of this machine only and has no certificate encoding.
  const version = name.includes('%') ? 0 : isIP(name);
  // Canonical form (e.g. 0:0::1 -> ::1) so the same address is listed once.
  if (version === 4) return { type: 'ip', value: name };
  if (version === 6) return { type: 'ip', value: new URL(`http://[${name}]`).hostname.slice(1, -1) };

  const wildcard = name.startsWith('*.');
  // Punycode, as certificates carry IDNs; '' when the name is not a valid host.
  const ascii = domainToASCII(wildcard ? name.slice(2) : name).replace(/\.$/, '');
  const labels = ascii.split('.');
  // A final all-digit label makes WHATWG URL parsers read the name as an IPv4 address (e.g. 127.1).
  if (!ascii || !labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new TlsError('ERR_TLS_INVALID_NAME', `${JSON.stringify(input)} is neither a DNS name nor an IP address`);
  }
  return { type: 'dns', value: wildcard ? `*.${ascii}` : ascii };
}
