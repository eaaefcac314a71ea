import { load } from 'js-yaml';
import { bootstrapConfig, configYaml, controlPlaneJoinConfig, workerJoinConfig } from './k8s-config';
import { fakeCertificate, initInput, joinControlPlaneInput } from './test-support/inputs';

describe('k8s bootstrap configuration (first control plane)', () => {
  it('carries the CAs, the managed etcd ports, the cluster network and the endpoint as a SAN', () => {
    const config = bootstrapConfig(initInput({ version: 'v1.32.1' }));
    expect(config).toMatchObject({
      'ca-crt': fakeCertificate('cluster CA').certPem,
      'ca-key': fakeCertificate('cluster CA').keyPem,
      'client-ca-crt': fakeCertificate('client CA').certPem,
      'client-ca-key': fakeCertificate('client CA').keyPem,
      'datastore-type': 'etcd',
      'etcd-port': 2379,
      'etcd-peer-port': 2381,
      'secure-port': 6443,
      'pod-cidr': '10.1.0.0/16',
      'service-cidr': '10.152.0.0/16',
      'extra-sans': ['10.0.0.10'],
    });
  });

  it('enables every built-in feature by default, with an always-present annotations map', () => {
    expect(bootstrapConfig(initInput({ version: 'v1.32.1' }))['cluster-config']).toEqual({
      annotations: {},
      dns: { enabled: true, 'cluster-domain': 'cluster.local' },
      gateway: { enabled: true },
      ingress: { enabled: true },
      'load-balancer': { enabled: true },
      'local-storage': { enabled: true },
      'metrics-server': { enabled: true },
      network: { enabled: true },
    });
  });

  it.each([
    ['load balancer, gateway and ingress follow the network toggle', { enableDefaultNetwork: false }, { network: false, 'load-balancer': false, gateway: false, ingress: false, dns: true }],
    ['an explicit toggle beats the network default', { enableDefaultNetwork: false, enableDefaultGateway: true }, { network: false, gateway: true, ingress: false }],
    ['dns, local storage and metrics server are independent', { enableDefaultDNS: false, enableDefaultLocalStorage: false, enableDefaultMetricsServer: false }, { dns: false, 'local-storage': false, 'metrics-server': false, network: true }],
  ])('%s', (_behaviour, initConfig, enabled) => {
    const clusterConfig = bootstrapConfig(initInput({ version: 'v1.32.1', initConfig }))['cluster-config'] as Record<string, { enabled: boolean }>;
    for (const [feature, value] of Object.entries(enabled)) {
      expect([feature, clusterConfig[feature]?.enabled]).toEqual([feature, value]);
    }
  });

  it('switches to the external datastore with its servers and certificates', () => {
    const input = initInput(
      { version: 'v1.32.1', controlPlane: { datastoreType: 'external', etcdPort: 1 } },
      { externalDatastore: { servers: ['https://a:2379', 'https://b:2379'], caCertPem: 'ca', client: { certPem: 'crt', keyPem: 'key' } } },
    );
    const config = bootstrapConfig(input);
    expect(config).toMatchObject({
      'datastore-type': 'external',
      'datastore-servers': ['https://a:2379', 'https://b:2379'],
      'datastore-ca-crt': 'ca',
      'datastore-client-crt': 'crt',
      'datastore-client-key': 'key',
    });
    expect(config).not.toHaveProperty('etcd-port');
  });

  it('requires the external datastore material when the spec asks for it', () => {
    expect(() => bootstrapConfig(initInput({ version: 'v1.32.1', controlPlane: { datastoreType: 'k8s-dqlite' } }))).toThrow(
      /^spec\.controlPlane\.datastoreType: "k8s-dqlite" selects an external datastore/,
    );
  });

  it('keeps a null extra argument as null (k8s deletes that argument) and omits empty maps', () => {
    const config = bootstrapConfig(initInput({ version: 'v1.32.1', extraKubeletArgs: { '--read-only-port': null, '--max-pods': '200' }, extraKubeProxyArgs: {} }));
    expect(config['extra-node-kubelet-args']).toEqual({ '--read-only-port': null, '--max-pods': '200' });
    expect(config).not.toHaveProperty('extra-node-kube-proxy-args');
    expect(configYaml(config)).toContain("  --read-only-port: null\n");
  });
});

describe('k8s join configurations', () => {
  it('gives a joining control plane its SANs (user SANs, CK8sConfig name, endpoint) and control plane arguments', () => {
    const config = controlPlaneJoinConfig(
      joinControlPlaneInput({ version: 'v1.32.1', controlPlane: { extraSANs: ['k8s.example.com'], extraKubeSchedulerArgs: { '--v': '2' } }, ExtraK8sAPIServerProxyArgs: { '--x': 'y' } }),
    );
    expect(config).toEqual({ 'extra-sans': ['k8s.example.com', 'cluster-cp-x7k2p', '10.0.0.10'], 'extra-node-kube-scheduler-args': { '--v': '2' } });
  });

  it('gives a worker only node arguments, including the apiserver proxy ones', () => {
    const config = workerJoinConfig({
      version: 'v1.32.1',
      controlPlane: { extraKubeAPIServerArgs: { '--a': 'b' }, extraSANs: ['x'] },
      extraContainerdArgs: { '--c': 'd' },
      ExtraK8sAPIServerProxyArgs: { '--refresh-interval': null },
    });
    expect(config).toEqual({ 'extra-node-containerd-args': { '--c': 'd' }, 'extra-node-k8s-apiserver-proxy-args': { '--refresh-interval': null } });
  });

  it('writes keys sorted at every level, whatever the input order', () => {
    const text = configYaml({ b: { z: 1, a: 2 }, a: [{ q: 1, p: 2 }] });
    expect(text).toBe('a:\n  - p: 2\n    q: 1\nb:\n  a: 2\n  z: 1\n');
    expect(load(text)).toEqual({ a: [{ p: 2, q: 1 }], b: { a: 2, z: 1 } });
  });
});
