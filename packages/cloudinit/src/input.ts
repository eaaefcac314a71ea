import type { CK8sConfigSpec, Cluster, SecretKeyReference } from '@capi-ck8s/api';
import type { SnapInstallSource } from './snap-install';

export type NodeRole = 'init-control-plane' | 'join-control-plane' | 'worker';
export const nodeRoles: readonly NodeRole[] = ['init-control-plane', 'join-control-plane', 'worker'];

/** What the node configuration needs from the Cluster object. */
export interface ClusterFacts {
  /** Cluster.spec.controlPlaneEndpoint.host; always added to the API server certificate SANs. */
  readonly controlPlaneEndpointHost?: string;
  readonly apiServerPort?: number;
  readonly podCidrs?: readonly string[];
  readonly serviceCidrs?: readonly string[];
  readonly serviceDomain?: string;
}

export function clusterFacts(cluster: Cluster): ClusterFacts {
  const network = cluster.spec?.clusterNetwork;
  return {
    controlPlaneEndpointHost: cluster.spec?.controlPlaneEndpoint?.host,
    apiServerPort: network?.apiServerPort,
    podCidrs: network?.pods?.cidrBlocks,
    serviceCidrs: network?.services?.cidrBlocks,
    serviceDomain: network?.serviceDomain,
  };
}

export interface CertificatePem {
  readonly certPem: string;
  readonly keyPem: string;
}

/** The material of a datastore the user runs (datastoreType other than "" or "etcd"). */
export interface ExternalDatastore {
  /** From the Secret named by controlPlane.datastoreServersSecretRef, split on commas. */
  readonly servers: readonly string[];
  /** Secret <cluster>-etcd, key tls.crt. */
  readonly caCertPem: string;
  /** Secret <cluster>-apiserver-etcd-client. */
  readonly client: CertificatePem;
}

/**
 * Looks up the Secret value a `contentFrom` names (Secret data is bytes; text may be given as a string); undefined
 * when the Secret or key does not exist.
 */
export type SecretValueLookup = (reference: SecretKeyReference) => string | Uint8Array | undefined;

interface CommonInput {
  /** The CK8sConfig spec, with version already filled from the Machine when it was empty. */
  readonly spec: CK8sConfigSpec;
  readonly cluster: ClusterFacts;
  /** Value of node-token-<machine> in Secret <cluster>-token. */
  readonly nodeToken: string;
  readonly secretValue: SecretValueLookup;
  /**
   * Replaces the spec's snap source: the release a Machine was upgraded to in place (annotation
   * v1beta2.k8sd.io/in-place-upgrade-release), so its replacement comes up at the same release.
   */
  readonly snapInstallOverride?: SnapInstallSource;
}

export interface InitControlPlaneInput extends CommonInput {
  readonly role: 'init-control-plane';
  /** Secret <cluster>-ca. */
  readonly ca: CertificatePem;
  /** Secret <cluster>-cca. */
  readonly clientCa: CertificatePem;
  /** Required exactly when the spec selects an external datastore. */
  readonly externalDatastore?: ExternalDatastore;
  /** Value of Secret <cluster>-token, key value. */
  readonly authToken: string;
  /** The k8sd-proxy manifest applied by the first node; see k8sdProxyManifest(). */
  readonly k8sdProxyManifest: string;
}

export interface JoinControlPlaneInput extends CommonInput {
  readonly role: 'join-control-plane';
  /** Name of the CK8sConfig: the join token is issued for it, so it must be a SAN of the node's certificate. */
  readonly configName: string;
  readonly joinToken: string;
}

export interface WorkerInput extends CommonInput {
  readonly role: 'worker';
  readonly joinToken: string;
}

export type RenderInput = InitControlPlaneInput | JoinControlPlaneInput | WorkerInput;
