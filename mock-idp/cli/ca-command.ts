export interface CaFlags {
  bundle?: boolean | undefined;
}

/**
 * `mock-idp ca`: the path of the local TEST CA's certificate, created if absent, and nothing else
 * on stdout, so that `NODE_EXTRA_CA_CERTS=$(mock-idp ca) node app.js` works. `--bundle`: the path
 * of a bundle of Node's root CAs, the file NODE_EXTRA_CA_CERTS names now and the mock's CA.
 */
export async function runCa(flags: CaFlags): Promise<number> {
  const { caBundle, ensureCa, mockIdpHome } = await import('../core/tls/index.js');
  const home = mockIdpHome();
  const ca = await ensureCa(home);
  process.stdout.write(`${flags.bundle ? await caBundle(home, ca) : ca.certPath}\n`);
  return 0;
}
