// Runs every project's tests in one jest invocation; each project keeps its own jest.config.mjs so `nx test <p>`
// works on its own.
export default {
  projects: ['<rootDir>/packages/*/jest.config.mjs', '<rootDir>/apps/*/jest.config.mjs', '<rootDir>/e2e/jest.config.mjs'],
};
