// Minimal CustomResourceDefinitions for tests: a kind the test itself plays (writing spec and status by hand), and
// the stand-in infrastructure provider kinds the providers' integration tests hang Clusters and Machines on.
import type { KubernetesManifest } from './manifests';

/** An openAPIV3Schema that accepts anything under spec and status. */
export const OPEN_SCHEMA = {
  type: 'object',
  properties: {
    spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
} as const;

export interface TestCrdVersion {
  name: string;
  /** openAPIV3Schema; OPEN_SCHEMA when left out. */
  schema?: object;
  /** Only one version stores; the first one unless told. */
  storage?: boolean;
  /** Status subresource; on unless told. */
  status?: boolean;
}

export interface TestCrdOptions {
  group: string;
  kind: string;
  /** Lower-case kind plus "s" when left out. */
  plural?: string;
  scope?: 'Namespaced' | 'Cluster';
  /** One version "v1alpha1" with OPEN_SCHEMA and a status subresource when left out. */
  versions?: readonly TestCrdVersion[];
  labels?: Record<string, string>;
  /** e.g. a conversion webhook stanza; installCrds can point it at a test server. */
  conversion?: object;
}

export function testCrd(options: TestCrdOptions): KubernetesManifest {
  const plural = options.plural ?? `${options.kind.toLowerCase()}s`;
  const versions = options.versions ?? [{ name: 'v1alpha1' }];
  const storageVersion = versions.find((version) => version.storage)?.name ?? versions[0]?.name;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${options.group}`, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      group: options.group,
      scope: options.scope ?? 'Namespaced',
      names: { kind: options.kind, listKind: `${options.kind}List`, plural, singular: options.kind.toLowerCase() },
      versions: versions.map((version) => ({
        name: version.name,
        served: true,
        storage: version.name === storageVersion,
        ...(version.status === false ? {} : { subresources: { status: {} } }),
        schema: { openAPIV3Schema: version.schema ?? OPEN_SCHEMA },
      })),
      ...(options.conversion ? { conversion: options.conversion } : {}),
    },
  };
}

/** Cluster API finds a provider's kinds by this label on their CRDs (the v1beta2 contract, served as v1alpha1). */
export const CAPI_V1BETA2_CONTRACT_LABELS = { 'cluster.x-k8s.io/v1beta2': 'v1alpha1' } as const;

/** A kind following the Cluster API v1beta2 contract at version v1alpha1 of `group`. */
export function contractCrd(group: string, kind: string): KubernetesManifest {
  return testCrd({ group, kind, labels: CAPI_V1BETA2_CONTRACT_LABELS });
}

export interface TestKind {
  apiVersion: string;
  kind: string;
}

/**
 * The stand-in infrastructure provider of the providers' integration tests: the test plays it by writing each
 * object's spec.providerID and status.initialization. Each test project names its own group so that projects
 * sharing one environment never install over each other's CRDs.
 */
export function testInfrastructureProvider(group: string): {
  apiVersion: string;
  kinds: { infrastructureCluster: TestKind; infrastructureMachine: TestKind; infrastructureMachineTemplate: TestKind; infrastructureMachinePool: TestKind };
  crds: KubernetesManifest[];
} {
  const apiVersion = `${group}/v1alpha1`;
  const kinds = {
    infrastructureCluster: { apiVersion, kind: 'TestInfraCluster' },
    infrastructureMachine: { apiVersion, kind: 'TestInfraMachine' },
    infrastructureMachineTemplate: { apiVersion, kind: 'TestInfraMachineTemplate' },
    infrastructureMachinePool: { apiVersion, kind: 'TestInfraMachinePool' },
  };
  return { apiVersion, kinds, crds: Object.values(kinds).map((kind) => contractCrd(group, kind.kind)) };
}

/** The provider ID the stand-in infrastructure provider gives a machine; Nodes registered by tests carry it too. */
export function testProviderId(machineName: string): string {
  return `test://${machineName}`;
}
