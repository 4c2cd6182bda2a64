/**
 * Preloaded into the `mock-idp start` child of the memory benchmark
 * (`node --expose-gc --import dist/bench/children/gc-on-signal.js
 * dist/mock-idp/cli/main.js start ...`): on SIGUSR2 it runs a full garbage
 * collection and prints `GC {json}` with the heap left, the leak check that
 * RSS alone (allocator and GC timing) cannot give. The CLI runs unchanged.
 */
const MiB = 1024 * 1024;
const gc = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  const u = process.memoryUsage();
  process.stdout.write(`GC ${JSON.stringify({ exposed: gc !== undefined, heapUsedMiB: u.heapUsed / MiB, externalMiB: u.external / MiB, rssMiB: u.rss / MiB })}\n`);
});
