// The cloud-init user data of a Canonical Kubernetes node. Layout (file locations, write_files order, runcmd order)
// follows canonical/cluster-api-k8s v0.6.1 so that users' overrides keep working: user `files` come after the
// scripts and may replace them; the node's own settings come after user files.
import { effectivePorts } from '@capi-ck8s/api';
import type { CK8sConfigSpec, ContentSource, File } from '@capi-ck8s/api';
import { load } from 'js-yaml';
import { RenderInputError } from './errors';
import type { RenderInput } from './input';
import { bootstrapConfig, configYaml, controlPlaneJoinConfig, workerJoinConfig } from './k8s-config';
import { nodePaths, snapInstallSourcePath } from './paths';
import { nodeScriptPath, nodeScripts } from './scripts';
import type { NodeScriptName } from './scripts';
import { snapInstallSource } from './snap-install';
import { toYaml } from './yaml';

/** cloud-init renders the document with jinja first, which is what makes nodeName "{{ ds.meta_data.local_hostname }}" work. */
export const cloudConfigHeader = '## template: jinja\n#cloud-config\n';

/** Keys the renderer owns; additionalUserData cannot set them (upstream drops them silently, so do we). */
export const managedCloudConfigKeys: ReadonlySet<string> = new Set(['bootcmd', 'runcmd', 'write_files']);

interface WriteFile {
  readonly path: string;
  readonly permissions?: string;
  readonly owner?: string;
  readonly encoding?: string;
  /** Bytes that are not UTF-8 (say, gzip data from a Secret) are written as YAML !!binary, as upstream does. */
  readonly content: string | Uint8Array;
}

const rootOwner = 'root:root';
const scriptPermissions = '0500';
const secretPermissions = '0400';

function nodeFile(path: string, content: string): WriteFile {
  return { path, permissions: secretPermissions, owner: rootOwner, content };
}

// Values read back by the scripts with $(cat file) and written to line-oriented files such as /etc/environment:
// a line break or control character (tab aside) would silently change their meaning on the node.
function isControlCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  return (code < 0x20 && character !== '\t') || code === 0x7f;
}

function singleLine(field: string, value: string | undefined): string | undefined {
  if (value !== undefined && [...value].some(isControlCharacter)) {
    throw new RenderInputError(field, 'must be a single line without control characters');
  }
  return value;
}

function snapstoreFiles(spec: CK8sConfigSpec): WriteFile[] {
  const domain = singleLine('spec.snapstoreProxyDomain', spec.snapstoreProxyDomain);
  const id = singleLine('spec.snapstoreProxyId', spec.snapstoreProxyId);
  if (!domain || !id) return [];
  return [
    nodeFile(nodePaths.snapstoreProxyScheme, spec.snapstoreProxyScheme ?? 'http'),
    nodeFile(nodePaths.snapstoreProxyDomain, domain),
    nodeFile(nodePaths.snapstoreProxyId, id),
  ];
}

function proxyFiles(spec: CK8sConfigSpec): WriteFile[] {
  const settings = [
    [nodePaths.httpProxy, singleLine('spec.httpProxy', spec.httpProxy)],
    [nodePaths.httpsProxy, singleLine('spec.httpsProxy', spec.httpsProxy)],
    [nodePaths.noProxy, singleLine('spec.noProxy', spec.noProxy)],
  ] as const;
  return settings.flatMap(([path, value]) => (value ? [nodeFile(path, value)] : []));
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The Secret value a contentFrom names: text when it is UTF-8 (readable in the output), else its bytes. */
function secretContent(input: RenderInput, source: ContentSource, field: string): string | Uint8Array {
  const value = input.secretValue(source.secret);
  if (value === undefined) {
    throw new RenderInputError(`${field}.contentFrom.secret`, `Secret ${source.secret.name} has no key ${source.secret.key}`);
  }
  if (typeof value === 'string') return value;
  try {
    return utf8.decode(value);
  } catch {
    return new Uint8Array(value);
  }
}

function userFile(file: File, index: number, input: RenderInput): WriteFile {
  const field = `spec.files[${index}]`;
  if (!file.path.startsWith('/')) {
    throw new RenderInputError(`${field}.path`, `must be an absolute path, got ${JSON.stringify(file.path)}`);
  }
  const content = file.content === undefined && file.contentFrom ? secretContent(input, file.contentFrom, field) : file.content;
  return {
    path: file.path,
    ...(file.permissions ? { permissions: file.permissions } : {}),
    ...(file.owner ? { owner: file.owner } : {}),
    ...(file.encoding ? { encoding: file.encoding } : {}),
    content: content ?? '',
  };
}

/** `k8s --address`: host and port joined like Go's net.JoinHostPort (IPv6 addresses and CIDRs get brackets). */
export function microclusterAddress(spec: CK8sConfigSpec): string {
  const host = singleLine('spec.controlPlane.microclusterAddress', spec.controlPlane?.microclusterAddress) ?? '';
  const port = effectivePorts(spec.controlPlane).microclusterPort;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function userBootstrapConfig(input: RenderInput): string | undefined {
  const source = input.spec.bootstrapConfig;
  if (source?.content) return source.content;
  if (!source?.contentFrom) return undefined;
  const value = secretContent(input, source.contentFrom, 'spec.bootstrapConfig');
  if (typeof value !== 'string') {
    throw new RenderInputError('spec.bootstrapConfig.contentFrom.secret', 'must hold UTF-8 text (a k8s configuration)');
  }
  return value;
}

function k8sConfig(input: RenderInput): string {
  switch (input.role) {
    case 'init-control-plane':
      // A user-supplied configuration replaces the generated one entirely, and only on the first node.
      return userBootstrapConfig(input) || configYaml(bootstrapConfig(input));
    case 'join-control-plane':
      return configYaml(controlPlaneJoinConfig(input));
    case 'worker':
      return configYaml(workerJoinConfig(input.spec));
  }
}

function nodeSettingFiles(input: RenderInput): WriteFile[] {
  const { spec } = input;
  const source = input.snapInstallOverride ?? snapInstallSource(spec);
  const sourceField = input.snapInstallOverride ? 'snapInstallOverride' : `spec.${source.option}`;
  return [
    nodeFile(nodePaths.k8sConfig, k8sConfig(input)),
    nodeFile(nodePaths.nodeToken, input.nodeToken),
    nodeFile(nodePaths.microclusterAddress, microclusterAddress(spec)),
    nodeFile(nodePaths.nodeName, singleLine('spec.nodeName', spec.nodeName) ?? ''),
    nodeFile(snapInstallSourcePath(source.option), singleLine(sourceField, source.value) ?? ''),
  ];
}

function roleFiles(input: RenderInput): WriteFile[] {
  if (input.role === 'init-control-plane') {
    return [
      nodeFile(nodePaths.authToken, input.authToken),
      nodeFile(nodePaths.k8sdProxyManifest, input.k8sdProxyManifest),
    ];
  }
  return [nodeFile(nodePaths.joinToken, input.joinToken)];
}

const roleSteps: Readonly<Record<RenderInput['role'], readonly NodeScriptName[]>> = {
  'init-control-plane': [
    'bootstrap.sh',
    'load-images.sh',
    'wait-apiserver-ready.sh',
    'deploy-manifests.sh',
    'configure-auth-token.sh',
    'configure-node-token.sh',
    'create-sentinel-bootstrap.sh',
  ],
  'join-control-plane': [
    'load-images.sh',
    'join-cluster.sh',
    'wait-apiserver-ready.sh',
    'configure-node-token.sh',
    'create-sentinel-bootstrap.sh',
  ],
  worker: ['load-images.sh', 'join-cluster.sh', 'configure-node-token.sh', 'create-sentinel-bootstrap.sh'],
};

function runCommands(input: RenderInput, writesSnapstore: boolean, writesProxy: boolean): string[] {
  const { spec } = input;
  const scripts: NodeScriptName[] = [
    ...(writesSnapstore ? (['configure-snapstore-proxy.sh'] as const) : []),
    ...(writesProxy ? (['configure-proxy.sh'] as const) : []),
  ];
  const install: NodeScriptName[] = [...(spec.airGapped ? [] : (['install.sh'] as const)), 'disable-host-services.sh'];
  return [
    'set -x',
    // cloud-init runs runcmd as one sh script that carries on after a failing line; errexit makes a failed step
    // (say, k8s join-cluster) stop the sequence, so the bootstrap sentinel is never written for a broken node.
    'set -e',
    ...scripts.map(nodeScriptPath),
    ...(spec.preRunCommands ?? []),
    ...install.map(nodeScriptPath),
    ...roleSteps[input.role].map(nodeScriptPath),
    ...(spec.postRunCommands ?? []),
  ];
}

/** Upstream parses each value as YAML and keeps it as a string when that fails. */
function additionalUserData(spec: CK8sConfigSpec): Array<[string, unknown]> {
  return Object.keys(spec.additionalUserData ?? {})
    .filter((key) => !managedCloudConfigKeys.has(key))
    .sort()
    .map((key) => {
      const text = spec.additionalUserData?.[key] ?? '';
      try {
        return [key, load(text) ?? null];
      } catch {
        return [key, text];
      }
    });
}

/** Renders the cloud-config of one node. Pure and deterministic: equal inputs give byte-identical output. */
export function renderCloudConfig(input: RenderInput): string {
  const { spec } = input;
  const snapstore = snapstoreFiles(spec);
  const proxies = proxyFiles(spec);
  const writeFiles: WriteFile[] = [
    ...nodeScripts().map((script) => ({
      path: script.path,
      permissions: scriptPermissions,
      owner: rootOwner,
      content: script.content,
    })),
    ...snapstore,
    ...proxies,
    ...(spec.files ?? []).map((file, index) => userFile(file, index, input)),
    ...nodeSettingFiles(input),
    ...roleFiles(input),
  ];
  // A null-prototype object, so that an additionalUserData key such as "__proto__" is an ordinary key.
  const document: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  document.write_files = writeFiles;
  document.runcmd = runCommands(input, snapstore.length > 0, proxies.length > 0);
  if (spec.bootCommands?.length) document.bootcmd = [...spec.bootCommands];
  for (const [key, value] of additionalUserData(spec)) document[key] = value;
  return cloudConfigHeader + toYaml(document);
}
