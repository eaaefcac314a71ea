import { ck8sConfigReasons, clusterObjectNames, effectivePorts } from '@capi-ck8s/api';
import { k8sdProxyManifest } from '@capi-ck8s/cloudinit';
import { type ReconcileDependencies, Waiting } from '../dependencies';
import type { Scope } from '../scope';
import type { Observations } from '../status';
import { generateBootstrapData } from './bootstrap-data';
import { certificatesAvailable, CertificatesUnavailable, lookupOrGenerateAuthorities } from './certificates';
import { InitLock } from './init-lock';
import { externalDatastore, referencedSecretNames, secretValueLookup } from './referenced-secrets';
import { clusterTokens, ensureNodeToken } from './token';

/** The lock holder usually finishes within seconds, and a deleted holder is noticed on the next try. */
const LOCK_RETRY_MS = 15_000;

/**
 * Whether a failure means this machine cannot initialise the cluster as specified, so another control plane machine
 * should have the lock. Anything else (a missing token, an API error) is retried while holding it: releasing then
 * would let another machine initialise while this one's reconcile, possibly still running in another replica,
 * succeeds — two clusters.
 */
export function releasesInitLock(error: unknown): boolean {
  return error instanceof Waiting && error.reason === ck8sConfigReasons.dataSecretGenerationFailed;
}

/**
 * Bootstraps the first control plane node, holding the init lock so that no other machine does the same. The lock
 * stays taken after success (until the cluster reports its control plane initialised) and is released when this
 * machine's spec cannot be bootstrapped, so that another control plane machine can try.
 */
export async function initControlPlane(deps: ReconcileDependencies, scope: Scope, observations: Observations): Promise<void> {
  const lock = new InitLock(deps.client, deps.rest);
  const attempt = await lock.acquire(scope.cluster, scope.owner.name);
  if (!attempt.acquired) {
    throw new Waiting(
      ck8sConfigReasons.waitingForControlPlaneAvailable,
      `waiting for the control plane to be initialised by Machine ${attempt.holder}, which holds the init lock (ConfigMap ${scope.namespace}/${clusterObjectNames.initLock(scope.clusterName)}); this machine joins it afterwards`,
      LOCK_RETRY_MS,
    );
  }
  try {
    await generateBootstrapData(deps.client, scope, observations, async (common) => {
      const authorities = await certificatesFor(deps, scope, observations);
      const tokens = await clusterTokens(deps.client, scope);
      const [nodeToken, datastore, secretValue] = await Promise.all([
        ensureNodeToken(deps.client, tokens, scope.owner.name),
        externalDatastore(deps.client, scope),
        secretValueLookup(deps.client, scope.namespace, referencedSecretNames(scope.spec, true)),
      ]);
      return {
        role: 'init-control-plane',
        spec: scope.spec,
        ...common,
        nodeToken,
        secretValue,
        ca: authorities.ca,
        clientCa: authorities.clientCa,
        ...(datastore ? { externalDatastore: datastore } : {}),
        authToken: tokens.authToken,
        k8sdProxyManifest: k8sdProxyManifest(effectivePorts(scope.spec.controlPlane).microclusterPort),
      };
    });
  } catch (error) {
    if (releasesInitLock(error)) await lock.release(scope.cluster);
    throw error;
  }
}

async function certificatesFor(deps: ReconcileDependencies, scope: Scope, observations: Observations) {
  try {
    const authorities = await lookupOrGenerateAuthorities(deps.client, scope, deps.generateCertificateAuthority);
    observations.certificates = certificatesAvailable();
    return authorities;
  } catch (error) {
    if (error instanceof CertificatesUnavailable) observations.certificates = error.report;
    throw error;
  }
}
