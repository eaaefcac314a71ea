// The cluster CAs: `<cluster>-ca` (serving) and `<cluster>-cca` (client), taken as they are when the user or the
// bootstrap provider created them, generated otherwise. They are owned by the Cluster, not by the control plane,
// so that they outlive any control plane object that happens to be replaced.
import { ck8sControlPlaneConditions, ck8sControlPlaneReasons, clusterObjectNames } from '@capi-ck8s/api';
import { type CertificateAndKey, certificateFromSecret, certificateSecret, checkClusterSecret, PkiValidationError } from '@capi-ck8s/pki';
import { isAlreadyExists, withOwnerReference } from '@capi-ck8s/runtime';
import type { V1Secret } from '@kubernetes/client-node';
import { kinds, type Secret } from '../../../kinds';
import type { Pass, PhaseWait, ReconcileDependencies } from '../dependencies';

export interface ClusterAuthorities {
  ca: CertificateAndKey;
  clientCa: CertificateAndKey;
}

const CERTIFICATES_RETRY_MS = 30_000;

function asV1Secret(secret: Secret): V1Secret {
  return { metadata: { name: secret.metadata.name ?? '', namespace: secret.metadata.namespace ?? '' }, data: secret.data ?? {} };
}

function unusable(name: string, error: PkiValidationError): PhaseWait {
  return {
    condition: ck8sControlPlaneConditions.certificatesAvailable,
    reason: 'CertificatesCorrupted',
    message: `Secret ${name} is not a usable CA: ${error.message}; fix or delete it (a deleted one is generated again)`,
    retryAfterMs: CERTIFICATES_RETRY_MS,
  };
}

async function lookupOrGenerate(deps: ReconcileDependencies, pass: Pass, purpose: 'ca' | 'cca'): Promise<CertificateAndKey | PhaseWait> {
  const name = purpose === 'ca' ? clusterObjectNames.certificateAuthority(pass.clusterName) : clusterObjectNames.clientCertificateAuthority(pass.clusterName);
  const key = { namespace: pass.namespace, name };
  const read = (secret: Secret): CertificateAndKey | PhaseWait => {
    try {
      checkClusterSecret(purpose, asV1Secret(secret));
      return certificateFromSecret(asV1Secret(secret));
    } catch (error) {
      if (error instanceof PkiValidationError) return unusable(name, error);
      throw error;
    }
  };
  const existing = await deps.client.find(kinds.secret, key);
  if (existing) return read(existing);
  let material: CertificateAndKey;
  try {
    material = await deps.generateCertificateAuthority();
  } catch (error) {
    return {
      condition: ck8sControlPlaneConditions.certificatesAvailable,
      reason: ck8sControlPlaneReasons.certificatesGenerationFailed,
      message: `generating ${name} failed: ${(error as Error).message}; retrying`,
      retryAfterMs: CERTIFICATES_RETRY_MS,
    };
  }
  const secret = withOwnerReference(
    certificateSecret({ clusterName: pass.clusterName, namespace: pass.namespace, purpose, material }) as Secret,
    pass.cluster,
  );
  try {
    await deps.client.create(secret);
    return material;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    // The bootstrap provider created it meanwhile: use that one.
    return read(await deps.client.get(kinds.secret, key));
  }
}

export async function clusterAuthorities(deps: ReconcileDependencies, pass: Pass): Promise<ClusterAuthorities | PhaseWait> {
  const ca = await lookupOrGenerate(deps, pass, 'ca');
  if ('retryAfterMs' in ca) return ca;
  const clientCa = await lookupOrGenerate(deps, pass, 'cca');
  if ('retryAfterMs' in clientCa) return clientCa;
  return { ca, clientCa };
}
