import { projectConfig } from '../jest.shared.mjs';

export default projectConfig(import.meta.url, { displayName: 'charts', needsEnvironment: true, testTimeout: 120_000 });
