import { projectConfig } from '../../jest.shared.mjs';

export default projectConfig(import.meta.url, { displayName: 'controlplane-provider', needsEnvironment: true });
