// One jest configuration for every project: TypeScript is compiled to native ESM by swc (no type checking here;
// `npm run typecheck` does that), and jest runs with --experimental-vm-modules so ESM-only dependencies such as
// @kubernetes/client-node load as they do in production.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));

const swcTransform = [
  '@swc/jest',
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023', experimental: { keepImportAttributes: true } },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

/**
 * @param {string} configUrl import.meta.url of the project's jest.config.mjs
 * @param {{ displayName: string, needsEnvironment?: boolean, testTimeout?: number }} options
 */
export function projectConfig(configUrl, options) {
  const projectRoot = dirname(fileURLToPath(configUrl));
  return {
    displayName: options.displayName,
    rootDir: projectRoot,
    testEnvironment: 'node',
    extensionsToTreatAsEsm: ['.ts'],
    transform: { '^.+\\.ts$': swcTransform },
    moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
    testMatch: ['<rootDir>/**/*.test.ts'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    testTimeout: options.testTimeout ?? 30_000,
    ...(options.needsEnvironment
      ? {
          globalSetup: join(root, 'packages/testenv/jest/global-setup.mjs'),
          globalTeardown: join(root, 'packages/testenv/jest/global-teardown.mjs'),
        }
      : {}),
  };
}
