import { defineConfig } from 'vitest/config';

// Unit tests sit beside their source file and need no service; cross-cutting scenarios under
// test/ talk to the real services, which the integration project's global setup installs and starts.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'engine/**/*.test.ts',
            'operators/**/*.test.ts',
            'sim/**/*.test.ts',
            'infra/**/*.test.ts',
          ],
          testTimeout: 30_000,
          // The backpressure test measures the live heap, after collections it triggers itself.
          execArgv: ['--expose-gc'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/setup/services.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
