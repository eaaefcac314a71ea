// Per-node k8sd calls (snap refresh, certificates) authenticate with the machine's node token and go to the node
// behind the Machine's status.nodeRef.
import { clusterObjectNames, effectivePorts, nodeTokenKey, secretValueKey } from '@capi-ck8s/api';
import { type K8sdClient, WorkloadK8sd } from '@capi-ck8s/k8sd';
import type { ObjectClient } from '@capi-ck8s/runtime';
import { kinds, type Secret, secretText, type ClusterObject, type CK8sConfigObject } from '../kinds';
import type { K8sdAccessOptions } from './join-tokens';
import { workloadKubeConfig } from './kubeconfig';

export interface NodeK8sdRequest {
  cluster: ClusterObject;
  machineName: string;
  nodeName: string;
  /** The Machine's CK8sConfig, for its microcluster port. */
  config: CK8sConfigObject | undefined;
}

export interface NodeK8sdAccess {
  forNode(request: NodeK8sdRequest): Promise<K8sdClient>;
  /** A control plane node's k8sd that answers, for cluster-wide calls such as approving a worker's CSRs. */
  forControlPlane(request: Omit<NodeK8sdRequest, 'machineName' | 'nodeName'>, signal: AbortSignal): Promise<K8sdClient>;
}

export class WorkloadNodeK8sdAccess implements NodeK8sdAccess {
  constructor(
    private readonly client: ObjectClient,
    private readonly options: K8sdAccessOptions,
  ) {}

  async forNode(request: NodeK8sdRequest): Promise<K8sdClient> {
    const { workload, tokens } = await this.workload(request);
    const nodeToken = secretText(tokens, nodeTokenKey(request.machineName));
    if (!nodeToken) throw new Error(`Secret ${tokens.metadata.name ?? ''} has no node token for Machine ${request.machineName} (key ${nodeTokenKey(request.machineName)})`);
    return workload.forNode(request.nodeName, nodeToken);
  }

  async forControlPlane(request: Omit<NodeK8sdRequest, 'machineName' | 'nodeName'>, signal: AbortSignal): Promise<K8sdClient> {
    const { workload } = await this.workload(request);
    return (await workload.forControlPlane({ signal })).client;
  }

  private async workload(request: Pick<NodeK8sdRequest, 'cluster' | 'config'>): Promise<{ workload: WorkloadK8sd; tokens: Secret }> {
    const { cluster } = request;
    const tokens = await this.client.get(kinds.secret, { namespace: cluster.metadata.namespace ?? '', name: clusterObjectNames.token(cluster.metadata.name ?? '') });
    const workload = new WorkloadK8sd({
      kubeConfig: await workloadKubeConfig(this.client, cluster, 'reach the node'),
      microclusterPort: effectivePorts(request.config?.spec?.controlPlane).microclusterPort,
      route: this.options.route,
      authToken: secretText(tokens, secretValueKey) ?? '',
      timeoutMs: this.options.timeoutMs,
    });
    return { workload, tokens };
  }
}
