import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Multi-process tests start real nats-server instances and worker pools; two cores cannot run many at once.
    maxWorkers: 2,
  },
});
