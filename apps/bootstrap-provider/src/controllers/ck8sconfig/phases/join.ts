import { effectivePorts } from '@capi-ck8s/api';
import type { ReconcileDependencies } from '../dependencies';
import type { Scope } from '../scope';
import type { Observations } from '../status';
import { generateBootstrapData } from './bootstrap-data';
import { referencedSecretNames, secretValueLookup } from './referenced-secrets';
import { clusterTokens, ensureNodeToken } from './token';

/**
 * Bootstraps a node that joins the initialised cluster with a join token from a control plane node's k8sd: a
 * control plane token issued for the config's name (which therefore goes into the node's SANs), or a worker token
 * usable by any hostname (clouds may name the host differently from the Machine).
 */
export async function joinCluster(
  deps: ReconcileDependencies,
  scope: Scope,
  observations: Observations,
  role: 'join-control-plane' | 'worker',
  signal: AbortSignal,
): Promise<void> {
  await generateBootstrapData(deps.client, scope, observations, async (common) => {
    const tokens = await clusterTokens(deps.client, scope);
    const [nodeToken, secretValue] = await Promise.all([
      ensureNodeToken(deps.client, tokens, scope.owner.name),
      secretValueLookup(deps.client, scope.namespace, referencedSecretNames(scope.spec, false)),
    ]);
    const configName = scope.config.metadata.name ?? '';
    const joinToken = await deps.joinTokens.issue({
      cluster: scope.cluster,
      authToken: tokens.authToken,
      microclusterPort: effectivePorts(scope.spec.controlPlane).microclusterPort,
      name: role === 'join-control-plane' ? configName : '',
      worker: role === 'worker',
      signal,
    });
    const shared = { spec: scope.spec, ...common, nodeToken, secretValue, joinToken };
    return role === 'join-control-plane' ? { role, configName, ...shared } : { role, ...shared };
  });
}
