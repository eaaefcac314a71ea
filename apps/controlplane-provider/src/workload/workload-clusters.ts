// Access to each workload cluster: its Kubernetes API through the `<cluster>-kubeconfig` Secret (one client per
// cluster, replaced when the Secret changes, closed when the cluster goes) and its k8sd through packages/k8sd.
import { clusterObjectNames, labels, secretValueKey } from '@capi-ck8s/api';
import { type K8sdRoute, WorkloadK8sd } from '@capi-ck8s/k8sd';
import { formatKey, type ObjectClient, type ObjectKey, RestClient, ObjectClient as WorkloadObjectClient } from '@capi-ck8s/runtime';
import { KubeConfig } from '@kubernetes/client-node';
import type { ControlPlaneNode, WorkloadObservation } from '../controllers/ck8scontrolplane/scope';
import { kinds, secretText } from '../kinds';

/** Where k8s-snap records that the first node bootstrapped the cluster (upstream's "initialized"). */
export const k8sdConfigMap = { namespace: 'kube-system', name: 'k8sd-config' } as const;

export interface K8sdAccessOptions {
  route: K8sdRoute;
  /** Bound of every k8sd call, remove-node included (upstream #191 waited forever). */
  timeoutMs: number;
  /** Bound of each read of the workload cluster's API. */
  apiTimeoutMs: number;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function nodeReady(node: { status?: { conditions?: { type: string; status: string }[] } }): boolean {
  return node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/** One workload cluster as seen through its admin kubeconfig. */
export class WorkloadCluster {
  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly objects: ObjectClient,
    private readonly options: K8sdAccessOptions,
  ) {}

  /**
   * Ready control plane Nodes, whether `kube-system/k8sd-config` exists, and the datastore membership. k8sd offers
   * no member listing to CAPI callers, so each control plane Node stands for its datastore member (k8s-snap names
   * members after nodes and removes both together through remove-node): healthy when the Node is Ready.
   */
  async observe(): Promise<WorkloadObservation> {
    try {
      const [nodes, k8sdConfig] = await withTimeout(
        Promise.all([
          this.objects.list(kinds.node, { labelSelector: labels.nodeRoleControlPlane }),
          this.objects.find(kinds.configMap, k8sdConfigMap),
        ]),
        this.options.apiTimeoutMs,
        'the workload cluster API',
      );
      const controlPlaneNodes: ControlPlaneNode[] = nodes.map((node) => ({ name: node.metadata.name ?? '', ready: nodeReady(node) }));
      return {
        reachable: true,
        initialized: k8sdConfig !== undefined,
        controlPlaneNodes,
        datastore: {
          known: true,
          kind: 'etcd',
          members: controlPlaneNodes.map((node) => ({ name: node.name, role: 'voter' as const, healthy: node.ready })),
        },
      };
    } catch (error) {
      return { reachable: false, message: (error as Error).message };
    }
  }

  /** k8sd remove-node (forced, like upstream) through another control plane node's k8sd, bounded by the timeout. */
  async removeNode(nodeName: string, access: { authToken: string; microclusterPort: number }): Promise<void> {
    const k8sd = new WorkloadK8sd({
      kubeConfig: this.kubeConfig,
      microclusterPort: access.microclusterPort,
      route: this.options.route,
      authToken: access.authToken,
      timeoutMs: this.options.timeoutMs,
    });
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const { client } = await k8sd.forControlPlane({ ignoreNodes: [nodeName], signal });
    try {
      await client.removeNode(nodeName, { signal });
    } finally {
      client.close();
    }
  }
}

interface CachedCluster {
  resourceVersion: string;
  rest: RestClient;
  workload: WorkloadCluster;
}

/** A client per workload cluster, keyed by the Cluster; a rotated kubeconfig Secret replaces the client. */
export class WorkloadClusters {
  private readonly clusters = new Map<string, CachedCluster>();

  constructor(
    private readonly client: ObjectClient,
    private readonly options: K8sdAccessOptions,
  ) {}

  /** The workload cluster of `cluster`, or undefined while `<cluster>-kubeconfig` does not exist. */
  async get(cluster: ObjectKey): Promise<WorkloadCluster | undefined> {
    const id = formatKey(cluster);
    const secret = await this.client.find(kinds.secret, { namespace: cluster.namespace ?? '', name: clusterObjectNames.kubeconfig(cluster.name) });
    const text = secretText(secret, secretValueKey);
    if (!secret || !text) {
      await this.forget(cluster);
      return undefined;
    }
    const cached = this.clusters.get(id);
    const resourceVersion = secret.metadata.resourceVersion ?? '';
    if (cached?.resourceVersion === resourceVersion) return cached.workload;
    if (cached) await cached.rest.close();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(text);
    const rest = new RestClient(kubeConfig);
    const workload = new WorkloadCluster(kubeConfig, new WorkloadObjectClient(rest, 'ck8s-controlplane-controller'), this.options);
    this.clusters.set(id, { resourceVersion, rest, workload });
    return workload;
  }

  /** Closes the client of a cluster that is gone (or lost its kubeconfig). */
  async forget(cluster: ObjectKey): Promise<void> {
    const id = formatKey(cluster);
    const cached = this.clusters.get(id);
    this.clusters.delete(id);
    await cached?.rest.close();
  }

  async close(): Promise<void> {
    const all = [...this.clusters.values()];
    this.clusters.clear();
    await Promise.all(all.map((cached) => cached.rest.close()));
  }
}
