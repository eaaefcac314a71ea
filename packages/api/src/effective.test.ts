import { effectiveInitConfiguration, effectivePorts, isEtcdManaged, snapInstallSource } from './effective';

describe('isEtcdManaged', () => {
  it.each([
    [undefined, true],
    ['', true],
    ['etcd', true],
    ['external', false],
    ['k8s-dqlite', false],
  ])('datastoreType %j → %s', (datastoreType, expected) => {
    expect(isEtcdManaged({ controlPlane: datastoreType === undefined ? {} : { datastoreType } })).toBe(expected);
  });
});

describe('effectivePorts', () => {
  it('uses 2379, 2381 and 2380 when unset or zero', () => {
    expect(effectivePorts(undefined)).toEqual({ etcdPort: 2379, etcdPeerPort: 2381, microclusterPort: 2380 });
    expect(effectivePorts({ etcdPort: 0 })).toEqual({ etcdPort: 2379, etcdPeerPort: 2381, microclusterPort: 2380 });
  });
  it('uses the configured ports', () => {
    expect(effectivePorts({ etcdPort: 1, etcdPeerPort: 2, microclusterPort: 3 })).toEqual({ etcdPort: 1, etcdPeerPort: 2, microclusterPort: 3 });
  });
});

describe('effectiveInitConfiguration', () => {
  it('enables every feature by default', () => {
    expect(effectiveInitConfiguration(undefined)).toEqual({
      annotations: {},
      enableDefaultDNS: true,
      enableDefaultNetwork: true,
      enableDefaultLoadBalancer: true,
      enableDefaultGateway: true,
      enableDefaultIngress: true,
      enableDefaultLocalStorage: true,
      enableDefaultMetricsServer: true,
    });
  });
  it('turns load balancer, gateway and ingress off with the network unless set', () => {
    expect(effectiveInitConfiguration({ enableDefaultNetwork: false, enableDefaultIngress: true })).toMatchObject({
      enableDefaultNetwork: false,
      enableDefaultLoadBalancer: false,
      enableDefaultGateway: false,
      enableDefaultIngress: true,
      enableDefaultDNS: true,
    });
  });
});

describe('snapInstallSource', () => {
  it.each([
    [{ version: 'v1.33.2' }, { option: 'channel', value: '1.33-classic/stable' }],
    [{ version: 'v1.33.2', channel: '1.34-classic/edge' }, { option: 'channel', value: '1.34-classic/edge' }],
    [{ version: 'v1.33.2', revision: '1234' }, { option: 'revision', value: '1234' }],
    [{ localPath: '/snaps' }, { option: 'localPath', value: '/snaps' }],
    [{}, undefined],
    [{ version: 'latest' }, undefined],
  ])('%j → %j', (spec, expected) => {
    expect(snapInstallSource(spec)).toEqual(expected);
  });
});
