import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Files that measure the test process itself (its RSS over rounds): in a worker shared with other files the
 * process carries what those left, and its RSS says nothing about the file's own code. They get a process each.
 */
const OWN_PROCESS = ['tests/load/soak.test.ts'];

export default defineConfig({
  test: {
    // Each project below names its files: vite merges a project's arrays into these (`extends: true`), so an
    // include here would add every file to both projects.
    include: [],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // vitest's default is one worker fewer than the cores: on a 2-core CI machine, one, and the files run one
    // after another. Most of them wait on sockets, child processes and the browser, so two share 2 cores well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    setupFiles: ['tests/setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...OWN_PROCESS],
          // A worker runs its files one after another in one module graph instead of a fresh process each: most
          // files load the whole mock (oidc-provider, koa, jose: hundreds of modules), which cost more than the
          // tests of a small file (tests/mock-idp: 232 s of imports isolated, 21 s shared). Each file still gets
          // its own module instance of itself; tests/setup.ts ends what a file leaves behind (child processes,
          // spies, fake timers), and a shared helper registers no hooks when it is imported
          // (tests/helpers/children.ts says why).
          isolate: false,
        },
      },
      { extends: true, test: { name: 'own-process', include: OWN_PROCESS, isolate: true } },
    ],
  },
});
