/**
 * `node dist/bench/children/oauth2-mock-server.js <port>`: oauth2-mock-server
 * started as its README shows (a fresh RS256 key, then listen), the
 * comparison for cold start and token issuance. Prints `Ready.` when listening.
 */
import { OAuth2Server } from 'oauth2-mock-server';

const port = Number(process.argv[2] ?? 0);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(port, 'localhost');
process.stdout.write(`Ready. ${server.issuer.url ?? ''}\n`);
process.once('SIGTERM', () => {
  void server.stop().then(() => process.exit(0));
});
