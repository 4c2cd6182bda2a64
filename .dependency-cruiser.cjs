// The layers of mock-idp/ and the one direction imports may point:
//   core  <-  oidc  <-  http  <-  tools  <-  start.ts / index.ts  <-  conformance, cli
// `npm run lint` runs this; CI runs `npm run lint`.
const LAYER = (name) => `^mock-idp/${name}/`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module imports itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment: 'core/ (tenant, directory, keys, store, events, errors) knows no HTTP, no oidc-provider and nothing above it.',
      from: { path: LAYER('core') },
      to: { path: ['^mock-idp/(oidc|http|tools|conformance|cli)/', '^mock-idp/(start|index)\\.ts$', '^node_modules/(oidc-provider|koa|@koa)/'] },
    },
    {
      name: 'oidc-below-http',
      severity: 'error',
      comment: 'oidc/ configures oidc-provider on core/; pages are passed in, not imported from http/.',
      from: { path: LAYER('oidc') },
      to: { path: ['^mock-idp/(http|tools|conformance|cli)/', '^mock-idp/(start|index)\\.ts$'] },
    },
    {
      name: 'http-below-tools',
      severity: 'error',
      comment: 'http/ serves the tools it is given (AdminTools), it does not import them.',
      from: { path: LAYER('http') },
      to: { path: ['^mock-idp/(tools|conformance|cli)/', '^mock-idp/(start|index)\\.ts$'] },
    },
    {
      name: 'tools-below-the-api',
      severity: 'error',
      comment: 'tools/ (mint, faults, explain, headless) take what they need, never the whole mock.',
      from: { path: LAYER('tools') },
      to: { path: ['^mock-idp/(conformance|cli)/', '^mock-idp/(start|index)\\.ts$'] },
    },
    {
      name: 'tools-through-their-index',
      severity: 'error',
      comment: 'One tool uses another only through its index.ts.',
      from: { path: '^mock-idp/tools/([^/]+)/' },
      to: { path: '^mock-idp/tools/([^/]+)/', pathNot: ['^mock-idp/tools/$1/', '^mock-idp/tools/[^/]+/index\\.ts$'] },
    },
    {
      name: 'conformance-on-the-public-api',
      severity: 'error',
      comment: 'conformance/ drives a mock through start.ts (startMockIdp, MockIdp), the domain errors and the tools\' index modules only.',
      from: { path: LAYER('conformance') },
      to: {
        path: '^mock-idp/',
        pathNot: ['^mock-idp/conformance/', '^mock-idp/start\\.ts$', '^mock-idp/core/(errors|package-paths)\\.ts$', '^mock-idp/tools/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'samples-stand-alone',
      severity: 'error',
      comment: 'The samples are teaching material: they use their SDKs, not mock-idp\'s insides (only its loopback listener, its HTML escaper and where the repo keeps its files).',
      from: { path: '^sample-(app|api|spa)/' },
      to: { path: '^mock-idp/', pathNot: ['^mock-idp/http/listen\\.ts$', '^mock-idp/core/package-paths\\.ts$', '^mock-idp/core/html\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
