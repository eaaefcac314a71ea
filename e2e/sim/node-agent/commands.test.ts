import { parseStubCall, resolveSnapVersion } from './commands';

describe('what a stub call asks the simulated node agent', () => {
  it.each([
    [
      'k8s bootstrap from the init script',
      'k8s',
      ['bootstrap', '--name', 'cp-0', '--address', ':2380', '--file', '/capi/etc/config.yaml'],
      { kind: 'bootstrap', name: 'cp-0', address: ':2380', configFile: '/capi/etc/config.yaml' },
    ],
    [
      'k8s bootstrap without a node name (the hostname is used)',
      'k8s',
      ['bootstrap', '--address=10.0.0.0/8:2380', '--file=/capi/etc/config.yaml'],
      { kind: 'bootstrap', name: undefined, address: '10.0.0.0/8:2380', configFile: '/capi/etc/config.yaml' },
    ],
    [
      'k8s join-cluster with its token',
      'k8s',
      ['join-cluster', 'sim-worker-abc', '--name', 'w-0', '--address', ':2380', '--file', '/capi/etc/config.yaml'],
      { kind: 'join-cluster', token: 'sim-worker-abc', name: 'w-0', address: ':2380', configFile: '/capi/etc/config.yaml' },
    ],
    ['the auth token', 'k8s', ['x-capi', 'set-auth-token', 'abc'], { kind: 'set-auth-token', token: 'abc' }],
    ['the node token', 'k8s', ['x-capi', 'set-node-token', 'def'], { kind: 'set-node-token', token: 'def' }],
    ['kubectl, passed through', 'k8s', ['kubectl', 'apply', '-f', '/capi/manifests/00.yaml'], { kind: 'kubectl', args: ['apply', '-f', '/capi/manifests/00.yaml'] }],
    ['the version', 'k8s', ['version'], { kind: 'version' }],
    ['a snap from a channel', 'snap', ['install', 'k8s', '--classic', '--channel', '1.33-classic/stable'], { kind: 'snap-install', snap: 'k8s', source: { channel: '1.33-classic/stable' } }],
    ['a snap at a revision', 'snap', ['install', 'k8s', '--classic', '--revision', '1234'], { kind: 'snap-install', snap: 'k8s', source: { revision: '1234' } }],
    ['a local snap file', 'snap', ['install', '--classic', '/capi/snaps/k8s_1.snap'], { kind: 'snap-install', snap: 'k8s', source: { localPath: '/capi/snaps/k8s_1.snap' } }],
    ['a refresh, like an install', 'snap', ['refresh', 'k8s', '--channel', '1.34-classic/stable'], { kind: 'snap-install', snap: 'k8s', source: { channel: '1.34-classic/stable' } }],
    ['a snap at its default channel', 'snap', ['install', 'curl'], { kind: 'snap-install', snap: 'curl', source: { channel: 'latest/stable' } }],
    ['whether a snap is installed', 'snap', ['list', 'curl'], { kind: 'snap-list', snap: 'curl' }],
    ['snap ack, which changes nothing simulated', 'snap', ['ack', '/dev/stdin'], { kind: 'snap-accepted' }],
  ])('%s', (_behaviour, program, args, expected) => {
    expect(parseStubCall(program, args)).toEqual(expected);
  });

  it.each([
    ['k8s bootstrap without a config file', 'k8s', ['bootstrap', '--address', ':2380'], 'the simulated node bootstraps only from --file'],
    ['k8s join-cluster without a token', 'k8s', ['join-cluster', '--address', ':2380'], 'a join token is required'],
    ['an unknown k8s command', 'k8s', ['status'], 'k8s status: not simulated'],
    ['a program the agent does not serve', 'systemctl', ['stop', 'kubelet'], 'only serves k8s and snap'],
  ])('refuses %s, saying why', (_behaviour, program, args, reason) => {
    const command = parseStubCall(program, args);
    expect(command.kind).toBe('unsupported');
    expect(command.kind === 'unsupported' ? command.reason : '').toContain(reason);
  });
});

describe('the version a simulated snap installs', () => {
  it.each([
    ['a channel of the Machine version\'s minor gives that version', { channel: '1.33-classic/stable' }, 'v1.33.2', 'v1.33.2'],
    ['a channel of another minor gives its first patch', { channel: '1.34-classic/stable' }, 'v1.33.2', 'v1.34.0'],
    ['a revision gives the Machine version', { revision: '1234' }, 'v1.33.2', 'v1.33.2'],
    ['a channel without a version gives the Machine version', { channel: 'latest/edge' }, 'v1.32.1', 'v1.32.1'],
  ])('%s', (_behaviour, source, machineVersion, expected) => {
    expect(resolveSnapVersion(source, machineVersion)).toBe(expected);
  });
});
