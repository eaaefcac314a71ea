import type { CK8sConfigSpec } from '../schema/ck8sconfig';
import { validateCK8sConfigSpec } from './ck8sconfig-spec';
import { expectFieldErrors } from './expect-field-errors';
import type { ExpectedFieldError as Expected } from './expect-field-errors';

function check(spec: CK8sConfigSpec, expected: Expected[]): void {
  expectFieldErrors(validateCK8sConfigSpec(spec, 'spec'), expected);
}

describe('validateCK8sConfigSpec', () => {
  describe('snap install source', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['nothing set (the channel follows the version)', {}, []],
      ['a channel alone', { channel: '1.33-classic/stable' }, []],
      ['a revision alone', { revision: '3456' }, []],
      ['a local path alone', { localPath: '/capi/snaps/k8s.snap' }, []],
      [
        'channel and revision',
        { channel: 'edge', revision: '12' },
        [
          {
            field: 'spec.revision',
            type: 'Forbidden',
            message: 'may not be set together with channel: set only one of channel, revision and localPath',
            value: '12',
          },
        ],
      ],
      [
        'all three',
        { channel: 'edge', revision: '12', localPath: '/snaps' },
        [
          { field: 'spec.revision', type: 'Forbidden', message: 'together with channel' },
          { field: 'spec.localPath', type: 'Forbidden', message: 'together with channel' },
        ],
      ],
      ['revision and local path', { revision: '12', localPath: '/snaps' }, [{ field: 'spec.localPath', type: 'Forbidden', message: 'together with revision' }]],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('channel form', () => {
    it.each(['stable', 'edge', 'candidate', 'beta', '1.33-classic/stable', 'latest/edge', '1.32-classic/edge/fix-1', 'beta/hotfix'])(
      'accepts %s',
      (channel) => check({ channel }, []),
    );
    it.each(['1.33-classic', 'latest/stabel', 'a/b/c/d', '/stable', 'stable/', '1.33 classic/stable'])(
      'rejects %s',
      (channel) =>
        check({ channel }, [
          { field: 'spec.channel', type: 'Invalid', value: channel, message: 'must be <risk> or <track>/<risk>' },
        ]),
    );
  });

  describe('revision and local path form', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['a numeric revision', { revision: '1' }, []],
      ['a revision with letters', { revision: 'x1' }, [{ field: 'spec.revision', type: 'Invalid', message: 'must be a snap revision number' }]],
      ['a zero revision', { revision: '0' }, [{ field: 'spec.revision', type: 'Invalid' }]],
      ['a relative local path', { localPath: 'snaps/k8s.snap' }, [{ field: 'spec.localPath', type: 'Invalid', message: 'must be an absolute path' }]],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('version', () => {
    it.each(['v1.33.2', 'v1.34.0-rc.1', 'v1.30.1+ck8s.1'])('accepts %s', (version) => check({ version }, []));
    it.each(['1.33.2', 'v1.33', 'v1.33.02', 'latest', 'V1.33.2'])('rejects %s', (version) =>
      check({ version }, [
        { field: 'spec.version', type: 'Invalid', value: version, message: 'must be a semantic version with a leading "v", e.g. v1.33.2' },
      ]),
    );
    it('leaves an empty version to be filled from the Machine', () => check({ version: '' }, []));
  });

  describe('proxies', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      [
        'http, https and socks proxy URLs',
        { httpProxy: 'http://proxy.internal:3128', httpsProxy: 'https://user:pw@proxy.internal', noProxy: '10.0.0.0/8,.svc,localhost' },
        [],
      ],
      ['a socks5 proxy', { httpsProxy: 'socks5://10.0.0.1:1080' }, []],
      [
        'a proxy without scheme',
        { httpProxy: 'proxy.internal:3128' },
        [{ field: 'spec.httpProxy', type: 'Invalid', message: 'must be a proxy URL with scheme and host, e.g. http://proxy.example:3128' }],
      ],
      ['an ftp proxy', { httpsProxy: 'ftp://proxy' }, [{ field: 'spec.httpsProxy', type: 'Invalid' }]],
      ['garbage', { httpsProxy: 'not a url' }, [{ field: 'spec.httpsProxy', type: 'Invalid' }]],
      ['a no-proxy list with spaces, which proxy clients trim', { noProxy: 'localhost, 10.0.0.0/8' }, []],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('snap store proxy', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['domain and id', { snapstoreProxyDomain: 'snaps.internal:8443', snapstoreProxyId: 'abc', snapstoreProxyScheme: 'https' }, []],
      ['neither', { snapstoreProxyScheme: 'http' }, []],
      [
        'domain without id',
        { snapstoreProxyDomain: 'snaps.internal' },
        [{ field: 'spec.snapstoreProxyId', type: 'Required', message: 'must be set when snapstoreProxyDomain is set' }],
      ],
      [
        'id without domain',
        { snapstoreProxyId: 'abc' },
        [{ field: 'spec.snapstoreProxyDomain', type: 'Required', message: 'must be set when snapstoreProxyId is set' }],
      ],
      [
        'a domain with a scheme',
        { snapstoreProxyDomain: 'https://snaps.internal', snapstoreProxyId: 'abc' },
        [{ field: 'spec.snapstoreProxyDomain', type: 'Invalid', message: 'without scheme or path' }],
      ],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('files', () => {
    const secret = { secret: { name: 'kube-vip', key: 'manifest' } };
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      [
        'absolute, unique paths with content or a secret',
        {
          files: [
            { path: '/capi/manifests/kube-vip.yaml', contentFrom: secret, owner: 'root:root', permissions: '0644' },
            { path: '/etc/motd', content: 'aGVsbG8=', encoding: 'base64', permissions: '644' },
            { path: '/etc/empty' },
          ],
        },
        [],
      ],
      ['a relative path', { files: [{ path: 'etc/motd' }] }, [{ field: 'spec.files[0].path', type: 'Invalid', message: 'must be an absolute path' }]],
      [
        'the same path twice',
        { files: [{ path: '/etc/a' }, { path: '/etc/b' }, { path: '/etc/a' }] },
        [{ field: 'spec.files[2].path', type: 'Duplicate', value: '/etc/a', message: 'each file path may appear only once' }],
      ],
      ['symbolic permissions', { files: [{ path: '/a', permissions: 'rw-r--r--' }] }, [{ field: 'spec.files[0].permissions', type: 'Invalid', message: 'must be an octal file mode' }]],
      ['permissions with 8', { files: [{ path: '/a', permissions: '0648' }] }, [{ field: 'spec.files[0].permissions', type: 'Invalid' }]],
      ['an owner with spaces', { files: [{ path: '/a', owner: 'root: root' }] }, [{ field: 'spec.files[0].owner', type: 'Invalid', message: 'must be user or user:group' }]],
      [
        'base64 encoding with non-base64 content',
        { files: [{ path: '/a', encoding: 'gzip+base64', content: 'not base64!' }] },
        [{ field: 'spec.files[0].content', type: 'Invalid', message: 'must be base64 text for encoding gzip+base64' }],
      ],
      [
        'content and contentFrom together',
        { files: [{ path: '/a', content: 'x', contentFrom: secret }] },
        [{ field: 'spec.files[0].contentFrom', type: 'Forbidden', message: 'may not be set together with content: set only one of them' }],
      ],
      [
        'a contentFrom secret without name and key',
        { files: [{ path: '/a', contentFrom: { secret: { name: '', key: '' } } }] },
        [
          { field: 'spec.files[0].contentFrom.secret.name', type: 'Required', message: 'must name the Secret holding the content' },
          { field: 'spec.files[0].contentFrom.secret.key', type: 'Required', message: 'must name the key of the content in the Secret' },
        ],
      ],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('bootstrapConfig', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['inline content', { bootstrapConfig: { content: 'cluster-config: {}' } }, []],
      ['a secret', { bootstrapConfig: { contentFrom: { secret: { name: 'bootstrap', key: 'config.yaml' } } } }, []],
      [
        'both',
        { bootstrapConfig: { content: 'x', contentFrom: { secret: { name: 'bootstrap', key: 'config.yaml' } } } },
        [{ field: 'spec.bootstrapConfig.contentFrom', type: 'Forbidden' }],
      ],
      [
        'a secret without key',
        { bootstrapConfig: { contentFrom: { secret: { name: 'bootstrap', key: '' } } } },
        [{ field: 'spec.bootstrapConfig.contentFrom.secret.key', type: 'Required' }],
      ],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('additionalUserData', () => {
    it('accepts cloud-init keys the provider does not manage', () =>
      check({ additionalUserData: { users: '- name: ops', ntp: 'enabled: true' } }, []));
    it.each([
      ['bootcmd', 'bootcmd is written by the provider; use bootCommands instead'],
      ['runcmd', 'runcmd is written by the provider; use preRunCommands or postRunCommands instead'],
      ['write_files', 'write_files is written by the provider; use files instead'],
    ])('rejects %s', (key, message) =>
      check({ additionalUserData: { [key]: '[]', users: '[]' } }, [
        { field: `spec.additionalUserData.${key}`, type: 'Forbidden', message },
      ]),
    );
  });

  describe('datastore', () => {
    const serversRef = { name: 'cluster-etcd-servers', key: 'servers' };
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['managed etcd by default', { controlPlane: {} }, []],
      ['managed etcd named', { controlPlane: { datastoreType: 'etcd' } }, []],
      ['external with servers secret', { controlPlane: { datastoreType: 'external', datastoreServersSecretRef: serversRef } }, []],
      [
        'external without servers secret',
        { controlPlane: { datastoreType: 'external' } },
        [{ field: 'spec.controlPlane.datastoreServersSecretRef', type: 'Required', message: 'must name the Secret listing the external datastore servers' }],
      ],
      [
        'external with an unnamed servers secret',
        { controlPlane: { datastoreType: 'external', datastoreServersSecretRef: { name: '' } } },
        [{ field: 'spec.controlPlane.datastoreServersSecretRef.name', type: 'Required' }],
      ],
      [
        'managed etcd with a servers secret',
        { controlPlane: { datastoreServersSecretRef: serversRef } },
        [{ field: 'spec.controlPlane.datastoreServersSecretRef', type: 'Forbidden', message: 'may only be set when datastoreType is "external"' }],
      ],
      [
        'the removed k8s-dqlite datastore',
        { controlPlane: { datastoreType: 'k8s-dqlite' } },
        [{ field: 'spec.controlPlane.datastoreType', type: 'NotSupported', value: 'k8s-dqlite', message: 'supported values: "etcd", "external"' }],
      ],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('ports', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['the defaults', { controlPlane: {} }, []],
      ['custom distinct ports', { controlPlane: { etcdPort: 12379, etcdPeerPort: 12380, microclusterPort: 12381 } }, []],
      ['a port out of range', { controlPlane: { etcdPort: 70000 } }, [{ field: 'spec.controlPlane.etcdPort', type: 'Invalid', message: 'must be a port number between 1 and 65535' }]],
      [
        'etcd peer port on the microcluster port',
        { controlPlane: { etcdPeerPort: 2380 } },
        [{ field: 'spec.controlPlane.etcdPeerPort', type: 'Invalid', message: 'must differ from microclusterPort (2380): both listen on the node' }],
      ],
      [
        'etcd client port equal to the peer port',
        { controlPlane: { etcdPort: 2381 } },
        [{ field: 'spec.controlPlane.etcdPeerPort', type: 'Invalid', message: 'must differ from etcdPort (2381)' }],
      ],
      ['an external datastore does not use the etcd ports', { controlPlane: { datastoreType: 'external', datastoreServersSecretRef: { name: 's' }, etcdPeerPort: 2380 } }, []],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  describe('control plane node settings', () => {
    it.each<[string, CK8sConfigSpec, Expected[]]>([
      ['taints with and without value', { controlPlane: { nodeTaints: ['node-role.kubernetes.io/control-plane:NoSchedule', 'dedicated=cp:NoExecute'] } }, []],
      [
        'a taint without effect',
        { controlPlane: { nodeTaints: ['ok:NoSchedule', 'dedicated=cp'] } },
        [{ field: 'spec.controlPlane.nodeTaints[1]', type: 'Invalid', message: 'must be key[=value]:effect with effect NoSchedule, PreferNoSchedule or NoExecute' }],
      ],
      ['an IPv4 microcluster address', { controlPlane: { microclusterAddress: '10.0.0.5' } }, []],
      ['an IPv6 CIDR', { controlPlane: { microclusterAddress: 'fd00::/64' } }, []],
      ['a jinja template', { controlPlane: { microclusterAddress: '{{ ds.meta_data.local_ipv4 }}' } }, []],
      [
        'a host name',
        { controlPlane: { microclusterAddress: 'node-1' } },
        [{ field: 'spec.controlPlane.microclusterAddress', type: 'Invalid', message: 'must be an IP address or a CIDR' }],
      ],
      ['a CIDR with a too long prefix', { controlPlane: { microclusterAddress: '10.0.0.0/33' } }, [{ field: 'spec.controlPlane.microclusterAddress', type: 'Invalid' }]],
    ])('%s', (_name, spec, expected) => check(spec, expected));
  });

  it('reports every error, not only the first', () => {
    const errors = validateCK8sConfigSpec(
      {
        version: '1.33',
        channel: 'x',
        revision: '1',
        httpProxy: 'proxy',
        files: [{ path: 'a' }],
        additionalUserData: { runcmd: '[]' },
        controlPlane: { datastoreType: 'external' },
      },
      'spec.spec',
    );
    expect(errors.map((error) => error.field)).toEqual([
      'spec.spec.version',
      'spec.spec.revision',
      'spec.spec.channel',
      'spec.spec.httpProxy',
      'spec.spec.files[0].path',
      'spec.spec.additionalUserData.runcmd',
      'spec.spec.controlPlane.datastoreServersSecretRef',
    ]);
  });
});
