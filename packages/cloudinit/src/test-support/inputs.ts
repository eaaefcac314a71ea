// Renderer inputs for tests: fixed, obviously fake material so that outputs are stable and reviewable.
import type { CK8sConfigSpec } from '@capi-ck8s/api';
import type {
  CertificatePem,
  ClusterFacts,
  InitControlPlaneInput,
  JoinControlPlaneInput,
  NodeRole,
  RenderInput,
  SecretValueLookup,
  WorkerInput,
} from '../input';
import { k8sdProxyManifest } from '../k8sd-proxy';

function fakePem(label: string, body: string): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(body).toString('base64')}\n-----END ${label}-----\n`;
}

export function fakeCertificate(name: string): CertificatePem {
  return { certPem: fakePem('CERTIFICATE', `fake ${name} certificate`), keyPem: fakePem('RSA PRIVATE KEY', `fake ${name} key`) };
}

export const testCluster: ClusterFacts = {
  controlPlaneEndpointHost: '10.0.0.10',
  apiServerPort: 6443,
  podCidrs: ['10.1.0.0/16'],
  serviceCidrs: ['10.152.0.0/16'],
  serviceDomain: 'cluster.local',
};

export const testTokens = {
  auth: '0123456789abcdef0123456789abcdef',
  node: 'fedcba9876543210fedcba9876543210',
  join: 'join-token-issued-by-k8sd',
} as const;

/** Secret values by "name/key"; anything else is missing. */
export function secretValues(values: Readonly<Record<string, string>>): SecretValueLookup {
  return (reference) => values[`${reference.name}/${reference.key}`];
}

const noSecrets = secretValues({});

export function initInput(spec: CK8sConfigSpec, extra: Partial<InitControlPlaneInput> = {}): InitControlPlaneInput {
  return {
    role: 'init-control-plane',
    spec,
    cluster: testCluster,
    nodeToken: testTokens.node,
    secretValue: noSecrets,
    ca: fakeCertificate('cluster CA'),
    clientCa: fakeCertificate('client CA'),
    authToken: testTokens.auth,
    k8sdProxyManifest: k8sdProxyManifest(spec.controlPlane?.microclusterPort),
    ...extra,
  };
}

export function joinControlPlaneInput(
  spec: CK8sConfigSpec,
  extra: Partial<JoinControlPlaneInput> = {},
): JoinControlPlaneInput {
  return {
    role: 'join-control-plane',
    spec,
    cluster: testCluster,
    nodeToken: testTokens.node,
    secretValue: noSecrets,
    configName: 'cluster-cp-x7k2p',
    joinToken: testTokens.join,
    ...extra,
  };
}

export function workerInput(spec: CK8sConfigSpec, extra: Partial<WorkerInput> = {}): WorkerInput {
  return {
    role: 'worker',
    spec,
    cluster: testCluster,
    nodeToken: testTokens.node,
    secretValue: noSecrets,
    joinToken: testTokens.join,
    ...extra,
  };
}

export function inputFor(role: NodeRole, spec: CK8sConfigSpec): RenderInput {
  switch (role) {
    case 'init-control-plane':
      return initInput(spec);
    case 'join-control-plane':
      return joinControlPlaneInput(spec);
    case 'worker':
      return workerInput(spec);
  }
}
