import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'dist/**', 'data/**'],
    // End-to-end tests start real hub and probe processes; give them room.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: run files in parallel but cap it so process-heavy e2e tests don't starve.
    maxWorkers: 2,
  },
})
