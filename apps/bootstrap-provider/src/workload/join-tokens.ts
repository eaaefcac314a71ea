// Join tokens come from the k8sd of a running control plane node of the workload cluster, reached through the
// workload cluster's API server (<cluster>-kubeconfig, written by the control plane provider).
import { ck8sConfigReasons, clusterObjectNames, secretValueKey } from '@capi-ck8s/api';
import { type K8sdRoute, WorkloadK8sd } from '@capi-ck8s/k8sd';
import type { ObjectClient } from '@capi-ck8s/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import { kinds, secretText, type ClusterObject } from '../kinds';
import { Waiting } from '../controllers/ck8sconfig/dependencies';

export interface JoinTokenRequest {
  cluster: ClusterObject;
  /** The cluster auth token (`<cluster>-token` key `value`). */
  authToken: string;
  microclusterPort: number;
  /** The joining node's name for a control plane join; empty for workers (any hostname may use it). */
  name: string;
  worker: boolean;
  signal: AbortSignal;
}

export interface JoinTokenIssuer {
  issue(request: JoinTokenRequest): Promise<string>;
}

export interface K8sdJoinTokenOptions {
  route: K8sdRoute;
  timeoutMs: number;
}

/** The kubeconfig secret is written by the control plane provider; a Secret watch wakes waiting configs. */
const KUBECONFIG_RETRY_MS = 30_000;

export class K8sdJoinTokenIssuer implements JoinTokenIssuer {
  constructor(
    private readonly client: ObjectClient,
    private readonly options: K8sdJoinTokenOptions,
  ) {}

  async issue(request: JoinTokenRequest): Promise<string> {
    const workload = new WorkloadK8sd({
      kubeConfig: await this.workloadKubeConfig(request.cluster),
      microclusterPort: request.microclusterPort,
      route: this.options.route,
      authToken: request.authToken,
      timeoutMs: this.options.timeoutMs,
    });
    const { client } = await workload.forControlPlane({ signal: request.signal });
    try {
      return await client.generateJoinToken({ name: request.name, worker: request.worker }, { signal: request.signal });
    } finally {
      client.close();
    }
  }

  private async workloadKubeConfig(cluster: ClusterObject): Promise<KubeConfig> {
    const namespace = cluster.metadata.namespace ?? '';
    const name = clusterObjectNames.kubeconfig(cluster.metadata.name ?? '');
    const text = secretText(await this.client.find(kinds.secret, { namespace, name }), secretValueKey);
    if (!text) {
      throw new Waiting(
        ck8sConfigReasons.waitingForControlPlaneAvailable,
        `waiting for Secret ${namespace}/${name} with key "${secretValueKey}" (the workload cluster's kubeconfig, written by the control plane provider) to ask k8sd for a join token`,
        KUBECONFIG_RETRY_MS,
      );
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(text);
    return kubeConfig;
  }
}
