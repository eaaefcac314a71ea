// Runs every project's tests in one jest invocation; each project keeps its own jest.config.mjs so `nx test <p>`
// works on its own.
import { globSync } from 'node:fs';

export default {
  projects: globSync(['packages/*/jest.config.mjs', 'apps/*/jest.config.mjs', 'charts/jest.config.mjs', 'e2e/jest.config.mjs']).sort(),
  // testTimeout is a global option: in a multi-project run jest ignores the projects' own values, so the longest
  // any project needs (booting simulated clusters) applies here.
  testTimeout: 180_000,
};
