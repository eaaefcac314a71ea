import { projectConfig } from '../../jest.shared.mjs';

export default projectConfig(import.meta.url, { displayName: 'testenv', needsEnvironment: true });
