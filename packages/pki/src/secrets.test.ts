import {
  certificateFromSecret,
  certificateSecret,
  certificateSecretFields,
  clusterSecretName,
  kubeconfigSecret,
  nodeTokenKey,
  secretValue,
  tokenSecret,
} from './secrets';

const owner = { apiVersion: 'controlplane.cluster.x-k8s.io/v1beta2', kind: 'CK8sControlPlane', name: 'demo-cp', uid: 'uid-1' };

describe('cluster secrets', () => {
  it.each([
    ['ca', 'demo-ca'],
    ['cca', 'demo-cca'],
    ['etcd', 'demo-etcd'],
    ['apiserver-etcd-client', 'demo-apiserver-etcd-client'],
    ['sa', 'demo-sa'],
    ['proxy', 'demo-proxy'],
    ['kubeconfig', 'demo-kubeconfig'],
    ['token', 'demo-token'],
  ] as const)('names the %s secret %s', (purpose, name) => {
    expect(clusterSecretName('demo', purpose)).toBe(name);
  });

  it('writes a generated CA secret with tls.crt/tls.key, the cluster label, its type and a controller reference', () => {
    expect(certificateSecret({ clusterName: 'demo', namespace: 'ns', purpose: 'cca', material: { certPem: 'C', keyPem: 'K' }, owner })).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'demo-cca',
        namespace: 'ns',
        labels: { 'cluster.x-k8s.io/cluster-name': 'demo' },
        ownerReferences: [{ ...owner, controller: true, blockOwnerDeletion: true }],
      },
      type: 'cluster.x-k8s.io/secret',
      data: { 'tls.crt': 'Qw==', 'tls.key': 'Sw==' },
    });
  });

  it('writes the kubeconfig secret under key value with no type, as upstream does', () => {
    const secret = kubeconfigSecret({ clusterName: 'demo', namespace: 'ns', kubeconfig: 'apiVersion: v1\n', owner });
    expect(secret.type).toBeUndefined();
    expect(secret.metadata?.name).toBe('demo-kubeconfig');
    expect(Buffer.from(secret.data?.['value'] ?? '', 'base64').toString()).toBe('apiVersion: v1\n');
  });

  it('reads certificate material back and names the secret and key that are missing', () => {
    const secret = certificateSecret({ clusterName: 'demo', namespace: 'ns', purpose: 'ca', material: { certPem: 'C', keyPem: 'K' } });
    expect(secret.metadata?.ownerReferences).toBeUndefined();
    expect(certificateFromSecret(secret)).toEqual({ certPem: 'C', keyPem: 'K' });
    expect(certificateSecretFields(secret)).toEqual({ certificate: 'secret ns/demo-ca data["tls.crt"]', key: 'secret ns/demo-ca data["tls.key"]' });
    const keyless = { ...secret, data: { 'tls.crt': 'Qw==' } };
    expect(() => certificateFromSecret(keyless)).toThrow('secret ns/demo-ca data["tls.key"]: is missing or empty');
  });

  it('writes the token secret with the cluster auth token under value, and names node token keys after machines', () => {
    const secret = tokenSecret({ clusterName: 'demo', namespace: 'ns', authToken: 'a'.repeat(32), owner });
    expect(secret.metadata?.name).toBe('demo-token');
    expect(secret.type).toBe('cluster.x-k8s.io/secret');
    expect(secretValue(secret, 'value')).toBe('a'.repeat(32));
    expect(nodeTokenKey('demo-cp-abcde')).toBe('node-token-demo-cp-abcde');
  });
});
