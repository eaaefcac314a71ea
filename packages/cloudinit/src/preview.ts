// What a node of a given role would run for a CK8sConfig, CK8sConfigTemplate, CK8sControlPlane or
// CK8sControlPlaneTemplate, with readable placeholders where the controller fills in secrets and tokens.
import { clusterObjectNames, effectivePorts, isEtcdManaged, nodeTokenKey } from '@capi-ck8s/api';
import type { CK8sConfigSpec, Cluster } from '@capi-ck8s/api';
import { loadAll } from 'js-yaml';
import { clusterFacts } from './input';
import type { CertificatePem, NodeRole, RenderInput } from './input';
import { k8sdProxyManifest } from './k8sd-proxy';
import { renderCloudConfig } from './render';

export const previewRoles: Readonly<Record<string, NodeRole>> = {
  init: 'init-control-plane',
  'init-control-plane': 'init-control-plane',
  'join-control-plane': 'join-control-plane',
  worker: 'worker',
};

export interface PreviewRequest {
  readonly role: NodeRole;
  /** YAML text holding the object to preview (possibly among other documents, e.g. a Cluster). */
  readonly objects: string;
  /** YAML text holding the Cluster; otherwise a Cluster in `objects` is used, if any. */
  readonly cluster?: string;
  /** Which object to preview when the text holds several. */
  readonly name?: string;
  /** Used when neither the object nor its template carries a version (upstream takes it from the Machine). */
  readonly version?: string;
}

interface KubernetesObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly spec?: unknown;
}

interface FoundSpec {
  readonly spec: CK8sConfigSpec;
  readonly objectName?: string;
  readonly kind: string;
}

function specAt(value: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), value);
}

// Where each kind keeps its CK8sConfigSpec, and its Kubernetes version when it has one.
const specLocations: Readonly<Record<string, { spec: readonly string[]; version?: readonly string[] }>> = {
  CK8sConfig: { spec: ['spec'] },
  CK8sConfigTemplate: { spec: ['spec', 'template', 'spec'] },
  CK8sControlPlane: { spec: ['spec', 'spec'], version: ['spec', 'version'] },
  CK8sControlPlaneTemplate: { spec: ['spec', 'template', 'spec', 'spec'] },
};

function objectsOf(text: string, source: string): KubernetesObject[] {
  return loadAll(text).filter((document): document is KubernetesObject => {
    if (document === null || document === undefined) return false;
    if (typeof document !== 'object') throw new Error(`${source}: every YAML document must be a Kubernetes object`);
    return true;
  });
}

function findSpec(objects: readonly KubernetesObject[], name: string | undefined): FoundSpec {
  const candidates = objects.filter((object) => object.kind !== undefined && object.kind in specLocations);
  const chosen = name === undefined ? candidates[0] : candidates.find((object) => object.metadata?.name === name);
  if (!chosen?.kind) {
    const kinds = Object.keys(specLocations).join(', ');
    throw new Error(name === undefined ? `no ${kinds} found` : `no ${kinds} named ${name} found`);
  }
  const location = specLocations[chosen.kind];
  const spec = structuredClone((specAt(chosen, location?.spec ?? []) ?? {}) as CK8sConfigSpec);
  const version = location?.version ? specAt(chosen, location.version) : undefined;
  if (!spec.version && typeof version === 'string') spec.version = version;
  return { spec, objectName: chosen.metadata?.name, kind: chosen.kind };
}

const placeholder = (what: string) => `<${what}>`;

function certificatePlaceholders(what: string, secret: string): CertificatePem {
  return {
    certPem: placeholder(`${what} certificate: Secret ${secret}, key tls.crt`),
    keyPem: placeholder(`${what} key: Secret ${secret}, key tls.key`),
  };
}

function previewInput(role: NodeRole, found: FoundSpec, cluster: Cluster | undefined): RenderInput {
  const clusterName = cluster?.metadata.name ?? 'CLUSTER';
  const common = {
    spec: found.spec,
    cluster: cluster ? clusterFacts(cluster) : {},
    nodeToken: placeholder(`node token: Secret ${clusterObjectNames.token(clusterName)}, key ${nodeTokenKey('MACHINE')}`),
    secretValue: (reference: { name: string; key: string }) => placeholder(`contents of Secret ${reference.name}, key ${reference.key}`),
  };
  const joinToken = placeholder('join token issued by k8sd for this node');
  switch (role) {
    case 'init-control-plane': {
      const serversRef = found.spec.controlPlane?.datastoreServersSecretRef;
      return {
        ...common,
        role,
        ca: certificatePlaceholders('cluster CA', clusterObjectNames.certificateAuthority(clusterName)),
        clientCa: certificatePlaceholders('client CA', clusterObjectNames.clientCertificateAuthority(clusterName)),
        authToken: placeholder(`auth token: Secret ${clusterObjectNames.token(clusterName)}, key value`),
        k8sdProxyManifest: k8sdProxyManifest(effectivePorts(found.spec.controlPlane).microclusterPort),
        ...(isEtcdManaged(found.spec)
          ? {}
          : {
              externalDatastore: {
                servers: [placeholder(`servers from Secret ${serversRef?.name ?? '?'}, key ${serversRef?.key ?? '?'}`)],
                caCertPem: placeholder(`datastore CA certificate: Secret ${clusterObjectNames.etcdCertificateAuthority(clusterName)}, key tls.crt`),
                client: certificatePlaceholders('datastore client', clusterObjectNames.apiServerEtcdClient(clusterName)),
              },
            }),
      };
    }
    case 'join-control-plane':
      return { ...common, role, joinToken, configName: found.kind === 'CK8sConfig' && found.objectName ? found.objectName : 'CK8SCONFIG-NAME' };
    case 'worker':
      return { ...common, role, joinToken };
  }
}

/** The cloud-config a node of the requested role would receive, secrets replaced by placeholders. */
export function renderPreview(request: PreviewRequest): string {
  const objects = objectsOf(request.objects, 'the object file');
  const found = findSpec(objects, request.name);
  if (!found.spec.version) {
    if (!request.version) {
      throw new Error(`the ${found.kind} has no version (at runtime it comes from the Machine): pass --version, e.g. --version v1.33.2`);
    }
    found.spec.version = request.version;
  }
  const clusterObjects = request.cluster === undefined ? objects : objectsOf(request.cluster, 'the Cluster file');
  const cluster = clusterObjects.find((object) => object.kind === 'Cluster') as Cluster | undefined;
  if (request.cluster !== undefined && !cluster) throw new Error('the Cluster file holds no Cluster');
  return renderCloudConfig(previewInput(request.role, found, cluster));
}
