import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { load } from 'js-yaml';
import { RenderInputError } from './errors';
import { renderCloudConfig } from './render';
import { initInput, joinControlPlaneInput, secretValues, workerInput } from './test-support/inputs';

interface Document {
  write_files: { path: string; content: string; permissions?: string; owner?: string; encoding?: string }[];
  runcmd: string[];
  bootcmd?: string[];
  [key: string]: unknown;
}

const parse = (text: string) => load(text.split('\n').slice(2).join('\n')) as Document;
const paths = (document: Document) => document.write_files.map((file) => file.path);

describe('cloud-config renderer', () => {
  it('starts with the jinja template header, then #cloud-config', () => {
    expect(renderCloudConfig(workerInput({ version: 'v1.32.1' }))).toMatch(/^## template: jinja\n#cloud-config\nwrite_files:\n/);
  });

  it('orders write_files as upstream: scripts, snapstore, proxies, user files, node settings, role files', () => {
    const spec: CK8sConfigSpec = {
      version: 'v1.32.1',
      snapstoreProxyDomain: 'snaps.internal',
      snapstoreProxyId: 'id',
      httpProxy: 'http://p:1',
      noProxy: 'localhost',
      files: [{ path: '/etc/a', content: 'a' }],
    };
    const written = paths(parse(renderCloudConfig(initInput(spec))));
    expect(written.slice(12)).toEqual([
      '/capi/etc/snapstore-proxy-scheme',
      '/capi/etc/snapstore-proxy-domain',
      '/capi/etc/snapstore-proxy-id',
      '/capi/etc/http-proxy',
      '/capi/etc/no-proxy',
      '/etc/a',
      '/capi/etc/config.yaml',
      '/capi/etc/node-token',
      '/capi/etc/microcluster-address',
      '/capi/etc/node-name',
      '/capi/etc/snap-channel',
      '/capi/etc/token',
      '/capi/manifests/00-k8sd-proxy.yaml',
    ]);
    expect(written.slice(0, 12).every((path) => path.startsWith('/capi/scripts/'))).toBe(true);
  });

  it('defaults the snapstore proxy scheme to http and needs both domain and id', () => {
    const both = parse(renderCloudConfig(workerInput({ version: 'v1.32.1', snapstoreProxyDomain: 'd', snapstoreProxyId: 'i' })));
    expect(both.write_files.find((file) => file.path === '/capi/etc/snapstore-proxy-scheme')?.content).toBe('http');
    const domainOnly = parse(renderCloudConfig(workerInput({ version: 'v1.32.1', snapstoreProxyDomain: 'd' })));
    expect(paths(domainOnly).filter((path) => path.startsWith('/capi/etc/snapstore'))).toEqual([]);
    expect(domainOnly.runcmd).not.toContain('/capi/scripts/configure-snapstore-proxy.sh');
  });

  it('writes the join token on joining nodes and the auth token and k8sd-proxy only on the first node', () => {
    for (const input of [joinControlPlaneInput({ version: 'v1.32.1' }), workerInput({ version: 'v1.32.1' })]) {
      const written = paths(parse(renderCloudConfig(input)));
      expect(written).toContain('/capi/etc/join-token');
      expect(written).not.toContain('/capi/etc/token');
      expect(written).not.toContain('/capi/manifests/00-k8sd-proxy.yaml');
    }
  });

  it('uses a user bootstrapConfig verbatim on the first node only', () => {
    const spec: CK8sConfigSpec = { version: 'v1.32.1', bootstrapConfig: { content: 'disable-rbac: true\n' } };
    const configOf = (document: Document) => document.write_files.find((file) => file.path === '/capi/etc/config.yaml')?.content;
    expect(configOf(parse(renderCloudConfig(initInput(spec))))).toBe('disable-rbac: true\n');
    expect(configOf(parse(renderCloudConfig(joinControlPlaneInput(spec))))).not.toContain('disable-rbac');
  });

  it('takes file content from the named Secret value, as text when its bytes are UTF-8', () => {
    const spec: CK8sConfigSpec = { version: 'v1.32.1', files: [{ path: '/etc/x', contentFrom: { secret: { name: 's', key: 'k' } } }] };
    const document = parse(renderCloudConfig(workerInput(spec, { secretValue: secretValues({ 's/k': 'from secret' }) })));
    expect(document.write_files.find((file) => file.path === '/etc/x')?.content).toBe('from secret');
    const fromBytes = parse(renderCloudConfig(workerInput(spec, { secretValue: () => Buffer.from('héllo') })));
    expect(fromBytes.write_files.find((file) => file.path === '/etc/x')?.content).toBe('héllo');
  });

  it('drops the managed keys from additionalUserData and keeps unparsable values as strings', () => {
    const document = parse(
      renderCloudConfig(workerInput({ version: 'v1.32.1', additionalUserData: { write_files: '[]', bootcmd: '[x]', ntp: 'enabled: true', motd: 'a: [' } })),
    );
    expect(document.ntp).toEqual({ enabled: true });
    expect(document.motd).toBe('a: [');
    expect(paths(document)).toContain('/capi/etc/config.yaml');
    expect(document.bootcmd).toBeUndefined();
  });

  it('is deterministic: equal inputs render byte-identical output, whatever the key order of maps', () => {
    const a = renderCloudConfig(workerInput({ version: 'v1.32.1', extraKubeletArgs: { '--b': '1', '--a': '2' }, additionalUserData: { b: '1', a: '2' } }));
    const b = renderCloudConfig(workerInput({ additionalUserData: { a: '2', b: '1' }, extraKubeletArgs: { '--a': '2', '--b': '1' }, version: 'v1.32.1' }));
    expect(a).toBe(b);
  });

  it.each<[string, () => string, string]>([
    ['a relative file path', () => renderCloudConfig(workerInput({ version: 'v1.32.1', files: [{ path: 'etc/x', content: '' }] })), 'spec.files[0].path: must be an absolute path, got "etc/x"'],
    ['a missing Secret value', () => renderCloudConfig(workerInput({ version: 'v1.32.1', files: [{ path: '/x' }, { path: '/y', contentFrom: { secret: { name: 's', key: 'k' } } }] })), 'spec.files[1].contentFrom.secret: Secret s has no key k'],
    ['a missing bootstrapConfig Secret', () => renderCloudConfig(initInput({ version: 'v1.32.1', bootstrapConfig: { contentFrom: { secret: { name: 'b', key: 'c' } } } })), 'spec.bootstrapConfig.contentFrom.secret: Secret b has no key c'],
    ['a proxy with a line break', () => renderCloudConfig(workerInput({ version: 'v1.32.1', httpProxy: 'http://p\nEVIL=1' })), 'spec.httpProxy: must be a single line without control characters'],
    ['a node name with a control character', () => renderCloudConfig(workerInput({ version: 'v1.32.1', nodeName: 'a\u0007' })), 'spec.nodeName: must be a single line without control characters'],
    ['a bootstrapConfig Secret that is not text', () => renderCloudConfig(initInput({ version: 'v1.32.1', bootstrapConfig: { contentFrom: { secret: { name: 'b', key: 'c' } } } }, { secretValue: () => new Uint8Array([0xff, 0xfe]) })), 'spec.bootstrapConfig.contentFrom.secret: must hold UTF-8 text'],
    ['a missing version', () => renderCloudConfig(workerInput({})), 'spec.version: must be a semantic version such as v1.32.1, got ""'],
  ])('rejects %s with an error naming the field', (_case, render, message) => {
    expect(render).toThrow(RenderInputError);
    expect(render).toThrow(message);
  });
});
