import {
  ck8sConfigResource,
  ck8sConfigTemplateResource,
  ck8sControlPlaneResource,
  clusterObjectNames,
  nodeTokenKey,
  webhookPath,
} from './constants';

describe('webhookPath', () => {
  it.each([
    ['mutate', ck8sConfigResource, '/mutate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfig'],
    ['validate', ck8sConfigTemplateResource, '/validate-bootstrap-cluster-x-k8s-io-v1beta2-ck8sconfigtemplate'],
    ['mutate', ck8sControlPlaneResource, '/mutate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane'],
    ['validate', ck8sControlPlaneResource, '/validate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane'],
  ] as const)('%s %s is served at the upstream path', (operation, resource, path) => {
    expect(webhookPath(operation, resource)).toBe(path);
  });
});

describe('per-cluster object names', () => {
  it('follows the upstream naming', () => {
    expect(
      Object.fromEntries(Object.entries(clusterObjectNames).map(([purpose, name]) => [purpose, name('prod')])),
    ).toEqual({
      certificateAuthority: 'prod-ca',
      clientCertificateAuthority: 'prod-cca',
      etcdCertificateAuthority: 'prod-etcd',
      apiServerEtcdClient: 'prod-apiserver-etcd-client',
      token: 'prod-token',
      kubeconfig: 'prod-kubeconfig',
      initLock: 'prod-lock',
      controlPlaneInPlaceUpgradeLock: 'prod-cp-inplace-upgrade-lock',
    });
    expect(nodeTokenKey('prod-cp-x7k2p')).toBe('node-token-prod-cp-x7k2p');
  });
});
