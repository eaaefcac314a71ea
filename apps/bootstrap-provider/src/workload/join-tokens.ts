// Join tokens come from the k8sd of a running control plane node of the workload cluster, reached through the
// workload cluster's API server (<cluster>-kubeconfig, written by the control plane provider).
import { type K8sdRoute, WorkloadK8sd } from '@capi-ck8s/k8sd';
import type { ObjectClient } from '@capi-ck8s/runtime';
import type { ClusterObject } from '../kinds';
import { workloadKubeConfig } from './kubeconfig';

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

export interface K8sdAccessOptions {
  route: K8sdRoute;
  timeoutMs: number;
}

export class K8sdJoinTokenIssuer implements JoinTokenIssuer {
  constructor(
    private readonly client: ObjectClient,
    private readonly options: K8sdAccessOptions,
  ) {}

  async issue(request: JoinTokenRequest): Promise<string> {
    const workload = new WorkloadK8sd({
      kubeConfig: await workloadKubeConfig(this.client, request.cluster, 'ask k8sd for a join token'),
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
}
