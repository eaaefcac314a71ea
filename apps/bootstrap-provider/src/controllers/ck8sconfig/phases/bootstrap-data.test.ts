import { config, owner } from '../../../test-support/objects';
import { checkSnapInstall } from './bootstrap-data';
import { dataSecretFor } from './data-secret';

describe('checkSnapInstall', () => {
  it.each([
    ['the version alone', { version: 'v1.33.2' }, undefined, true],
    ['one explicit channel', { version: 'v1.33.2', channel: '1.33-classic/edge' }, undefined, true],
    ['channel and revision together', { version: 'v1.33.2', channel: '1.33-classic/edge', revision: '123' }, /at most one may be set.*set exactly one/, false],
    ['no usable version', { version: 'latest' }, /spec.version/, false],
  ])('%s', (_name, spec, message, valid) => {
    const check = checkSnapInstall({ spec, owner: owner() });
    expect(check.valid).toBe(valid);
    expect(check.report.status).toBe(valid ? 'True' : 'False');
    if (message) {
      expect(check.report.reason).toBe('SnapInstallValidationFailed');
      expect(check.report.message).toMatch(message);
    }
  });

  it('installs the in-place upgraded release of the owner instead of the spec', () => {
    const check = checkSnapInstall({ spec: { version: 'v1.33.2' }, owner: owner({ inPlaceUpgradeRelease: 'revision=4321' }) });
    expect(check).toMatchObject({ valid: true, override: { option: 'revision', value: '4321' } });
  });

  it('reports a malformed in-place release annotation', () => {
    const check = checkSnapInstall({ spec: { version: 'v1.33.2' }, owner: owner({ inPlaceUpgradeRelease: 'edge' }) });
    expect(check.valid).toBe(false);
    expect(check.report.message).toContain('in-place-upgrade-release');
  });
});

describe('dataSecretFor', () => {
  it('builds the contract secret: config name, cluster label, type, value and format keys, controller owner', () => {
    const secret = dataSecretFor(config(), 'alpha', '## template: jinja\n#cloud-config\n');
    expect(secret).toMatchObject({
      metadata: {
        name: 'node-0',
        namespace: 'ns',
        labels: { 'cluster.x-k8s.io/cluster-name': 'alpha' },
        ownerReferences: [{ kind: 'CK8sConfig', name: 'node-0', uid: 'config-uid', controller: true, blockOwnerDeletion: true }],
      },
      type: 'cluster.x-k8s.io/secret',
    });
    expect(Buffer.from(secret.data?.['value'] ?? '', 'base64').toString()).toBe('## template: jinja\n#cloud-config\n');
    expect(Buffer.from(secret.data?.['format'] ?? '', 'base64').toString()).toBe('cloud-config');
  });
});
