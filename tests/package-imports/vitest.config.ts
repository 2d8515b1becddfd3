import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each case spawns Node and imports a built package (backend-cpu loads its addon).
    testTimeout: 30_000,
  },
});
