// The cluster CAs the first control plane node is bootstrapped with: taken from <cluster>-ca and <cluster>-cca when
// they exist (created by the control plane provider or the user, e.g. an intermediate CA), generated otherwise.
import { ck8sConfigReasons, clusterObjectNames } from '@capi-ck8s/api';
import type { CertificatePem } from '@capi-ck8s/cloudinit';
import { certificateFromSecret, certificateSecret, checkClusterSecret, PkiValidationError } from '@capi-ck8s/pki';
import { isAlreadyExists, type ObjectClient, withOwnerReference } from '@capi-ck8s/runtime';
import type { V1Secret } from '@kubernetes/client-node';
import { kinds, type Secret } from '../../../kinds';
import type { Scope } from '../scope';
import type { ConditionReport } from '../status';

export class CertificatesUnavailable extends Error {
  constructor(
    readonly report: ConditionReport,
    options?: ErrorOptions,
  ) {
    super(report.message, options);
    this.name = 'CertificatesUnavailable';
  }
}

function asV1Secret(secret: Secret): V1Secret {
  return { metadata: { name: secret.metadata.name ?? '', namespace: secret.metadata.namespace ?? '' }, data: secret.data ?? {} };
}

/** A stored CA as the node needs it; a secret that is not a usable CA is reported as corrupted with the reason. */
export function certificateAuthorityFrom(purpose: 'ca' | 'cca', secret: Secret): CertificatePem {
  const candidate = asV1Secret(secret);
  try {
    checkClusterSecret(purpose, candidate);
    return certificateFromSecret(candidate);
  } catch (error) {
    if (!(error instanceof PkiValidationError)) throw error;
    throw new CertificatesUnavailable(
      {
        status: 'False',
        reason: ck8sConfigReasons.certificatesCorrupted,
        message: `Secret ${secret.metadata.name ?? ''} is not a usable CA: ${error.message}; fix or delete it (a deleted one is generated again)`,
      },
      { cause: error },
    );
  }
}

export interface ClusterAuthorities {
  ca: CertificatePem;
  clientCa: CertificatePem;
}

export async function lookupOrGenerateAuthorities(
  client: ObjectClient,
  scope: Scope,
  generate: () => Promise<CertificatePem>,
): Promise<ClusterAuthorities> {
  const one = (purpose: 'ca' | 'cca') => lookupOrGenerate(client, scope, purpose, generate);
  const [ca, clientCa] = await Promise.all([one('ca'), one('cca')]);
  return { ca, clientCa };
}

async function lookupOrGenerate(
  client: ObjectClient,
  scope: Scope,
  purpose: 'ca' | 'cca',
  generate: () => Promise<CertificatePem>,
): Promise<CertificatePem> {
  const name = purpose === 'ca' ? clusterObjectNames.certificateAuthority(scope.clusterName) : clusterObjectNames.clientCertificateAuthority(scope.clusterName);
  const key = { namespace: scope.namespace, name };
  const existing = await client.find(kinds.secret, key);
  if (existing) return certificateAuthorityFrom(purpose, existing);
  let material: CertificatePem;
  try {
    material = await generate();
  } catch (error) {
    throw new CertificatesUnavailable(
      { status: 'False', reason: ck8sConfigReasons.certificatesGenerationFailed, message: `generating ${name} failed: ${(error as Error).message}` },
      { cause: error },
    );
  }
  // Owned by the Cluster, not by this config: the CA must outlive the machine that happened to initialise the
  // cluster (upstream made the config its owner, so deleting that machine deleted the cluster CA).
  const secret = withOwnerReference(
    certificateSecret({ clusterName: scope.clusterName, namespace: scope.namespace, purpose, material }) as Secret,
    scope.cluster,
  );
  try {
    await client.create(secret);
    return material;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    // The control plane provider created it meanwhile: use theirs.
    const created = await client.get(kinds.secret, key);
    return certificateAuthorityFrom(purpose, created);
  }
}

export function certificatesAvailable(): ConditionReport {
  return { status: 'True', reason: ck8sConfigReasons.certificatesAvailable, message: 'the cluster CAs are available' };
}
