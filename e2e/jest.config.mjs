import { projectConfig } from '../jest.shared.mjs';

// Booting simulated machines runs real control planes; a whole cluster takes tens of seconds.
export default projectConfig(import.meta.url, { displayName: 'e2e', needsEnvironment: true, testTimeout: 180_000 });
