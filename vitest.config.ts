import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // vitest's default is one worker fewer than the cores: on a 2-core CI machine, one, and the files run one
    // after another. Most of them wait on sockets, child processes and the browser, so two share 2 cores well.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
