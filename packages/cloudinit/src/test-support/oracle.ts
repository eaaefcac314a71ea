// What the reference (upstream v0.6.1 layout) says a rendered cloud-config must contain, restated independently of
// the renderer so that property tests compare two descriptions rather than the renderer with itself.
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import type { NodeRole } from '../input';
import { hasControlCharacter } from './arbitraries';

const script = (name: string) => `/capi/scripts/${name}`;

const roleSteps: Record<NodeRole, string[]> = {
  'init-control-plane': ['bootstrap.sh', 'load-images.sh', 'wait-apiserver-ready.sh', 'deploy-manifests.sh', 'configure-auth-token.sh', 'configure-node-token.sh', 'create-sentinel-bootstrap.sh'],
  'join-control-plane': ['load-images.sh', 'join-cluster.sh', 'wait-apiserver-ready.sh', 'configure-node-token.sh', 'create-sentinel-bootstrap.sh'],
  worker: ['load-images.sh', 'join-cluster.sh', 'configure-node-token.sh', 'create-sentinel-bootstrap.sh'],
};

export function expectedRuncmd(role: NodeRole, spec: CK8sConfigSpec): string[] {
  return [
    'set -x',
    'set -e',
    ...(spec.snapstoreProxyDomain && spec.snapstoreProxyId ? [script('configure-snapstore-proxy.sh')] : []),
    ...(spec.httpProxy || spec.httpsProxy || spec.noProxy ? [script('configure-proxy.sh')] : []),
    ...(spec.preRunCommands ?? []),
    ...(spec.airGapped ? [] : [script('install.sh')]),
    script('disable-host-services.sh'),
    ...roleSteps[role].map(script),
    ...(spec.postRunCommands ?? []),
  ];
}

const identifiers = '[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*';
const semanticVersion = new RegExp(`^v(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-${identifiers})?(?:\\+${identifiers})?$`);

/** The snap source the node should use: the one set, else the default channel of the version. */
export function expectedSnapSource(spec: CK8sConfigSpec): { option: string; value: string } {
  if (spec.channel) return { option: 'channel', value: spec.channel };
  if (spec.revision) return { option: 'revision', value: spec.revision };
  if (spec.localPath) return { option: 'localPath', value: spec.localPath };
  const [major, minor] = (spec.version ?? '').slice(1).split('.');
  return { option: 'channel', value: `${major}.${minor}-classic/stable` };
}

/** Whether the renderer must refuse the spec, and why (for assertion messages). */
export function expectedRejection(spec: CK8sConfigSpec): string | undefined {
  const version = spec.version ?? '';
  if (!semanticVersion.test(version)) return 'version';
  if ([spec.channel, spec.revision, spec.localPath].filter(Boolean).length > 1) return 'several snap sources';
  const singleLine = {
    snapstoreProxyDomain: spec.snapstoreProxyDomain,
    snapstoreProxyId: spec.snapstoreProxyId,
    httpProxy: spec.httpProxy,
    httpsProxy: spec.httpsProxy,
    noProxy: spec.noProxy,
    nodeName: spec.nodeName,
    microclusterAddress: spec.controlPlane?.microclusterAddress,
    snapSource: expectedSnapSource(spec).value,
  };
  for (const [field, value] of Object.entries(singleLine)) {
    if (value !== undefined && hasControlCharacter(value)) return `control character in ${field}`;
  }
  if ((spec.files ?? []).some((file) => !file.path.startsWith('/'))) return 'relative file path';
  return undefined;
}
