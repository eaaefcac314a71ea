// Locations on the node. They are part of the interface with users: upstream documents overriding a script by a
// `files` entry at the same path, dropping manifests into /capi/manifests and image archives into /capi/images.

export const scriptsDir = '/capi/scripts';
export const etcDir = '/capi/etc';
export const manifestsDir = '/capi/manifests';
export const imagesDir = '/capi/images';

export const nodePaths = {
  k8sConfig: `${etcDir}/config.yaml`,
  nodeToken: `${etcDir}/node-token`,
  authToken: `${etcDir}/token`,
  joinToken: `${etcDir}/join-token`,
  nodeName: `${etcDir}/node-name`,
  microclusterAddress: `${etcDir}/microcluster-address`,
  httpProxy: `${etcDir}/http-proxy`,
  httpsProxy: `${etcDir}/https-proxy`,
  noProxy: `${etcDir}/no-proxy`,
  snapstoreProxyScheme: `${etcDir}/snapstore-proxy-scheme`,
  snapstoreProxyDomain: `${etcDir}/snapstore-proxy-domain`,
  snapstoreProxyId: `${etcDir}/snapstore-proxy-id`,
  k8sdProxyManifest: `${manifestsDir}/00-k8sd-proxy.yaml`,
  /** Cluster API's bootstrap sentinel: infrastructure providers treat its presence as "bootstrap succeeded". */
  bootstrapSentinel: '/run/cluster-api/bootstrap-success.complete',
} as const;

const snapInstallFileSuffix = { channel: 'channel', revision: 'revision', localPath: 'local-path' } as const;

/** File naming the snap install source, e.g. /capi/etc/snap-channel or /capi/etc/snap-local-path. */
export function snapInstallSourcePath(option: keyof typeof snapInstallFileSuffix): string {
  return `${etcDir}/snap-${snapInstallFileSuffix[option]}`;
}
