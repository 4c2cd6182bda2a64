// Bundles the CLI (the package's `bin`) so `mock-idp start` loads a few files
// instead of ~400 ES modules: start-up is dominated by module loading.
// Commands stay separate chunks, loaded only when used.
export default {
  input: { 'mock-idp': 'dist/mock-idp/cli/main.js' },
  platform: 'node',
  logLevel: 'warn',
  output: { dir: 'dist/bin', format: 'esm', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', cleanDir: true },
};
