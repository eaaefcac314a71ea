import { projectConfig } from '../../jest.shared.mjs';

export default projectConfig(import.meta.url, { displayName: 'bootstrap-provider', needsEnvironment: true });
