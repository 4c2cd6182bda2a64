/**
 * Runs before each test file (vitest's `setupFiles`), also when the files of a worker share one module graph
 * (`isolate: false`): what one file leaves behind must not reach the next.
 */
import { afterAll, afterEach, vi } from 'vitest';
import { killChildren } from './helpers/children.js';

afterEach(() => killChildren('test'));
afterAll(() => {
  killChildren('test');
  killChildren('file');
  // Spies a file set up in beforeAll (console.log muted, say) end with the file, as in a process of its own.
  vi.restoreAllMocks();
  vi.useRealTimers();
});
