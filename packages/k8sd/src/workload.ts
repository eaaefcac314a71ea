import { CoreV1Api, type KubeConfig, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { K8sdClient, type K8sdCredentials } from './client';
import { K8sdRequestError } from './errors';
import { K8SD_PROXY_NAMESPACE, portForwardTransport } from './port-forward-transport';
import { directTransport, type K8sdTransport } from './transport';

export const CONTROL_PLANE_NODE_LABEL = 'node-role.kubernetes.io/control-plane';
export const K8SD_PROXY_SELECTOR = 'app=k8sd-proxy';
/** Upstream's default microcluster port. */
export const DEFAULT_MICROCLUSTER_PORT = 2380;

/** `port-forward` through the k8sd-proxy pods (upstream's way), or `direct` when the nodes are routable. */
export type K8sdRoute = 'port-forward' | 'direct';

export interface NodeTarget {
  nodeName: string;
  address: string;
  /** The node's k8sd-proxy pod (port-forward route only). */
  podName?: string;
}

function internalIp(node: V1Node): string | undefined {
  return node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address;
}

function podReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') ?? false;
}

/**
 * Where one node's k8sd is reached, or why it cannot be. Like upstream, only the control plane choice insists on a
 * Ready proxy pod; a call about a given machine goes to its node's pod whatever its state and fails there if it must.
 */
export function nodeTarget(
  node: V1Node,
  proxyPods: V1Pod[],
  route: K8sdRoute,
  options: { requireReadyProxy: boolean } = { requireReadyProxy: true },
): NodeTarget | { unusable: string } {
  const nodeName = node.metadata?.name ?? '';
  const address = internalIp(node);
  if (!address) return { unusable: `node ${nodeName} has no InternalIP address` };
  if (route === 'direct') return { nodeName, address };
  const pod = proxyPods.find((candidate) => candidate.spec?.nodeName === nodeName);
  if (!pod) return { unusable: `node ${nodeName} has no k8sd-proxy pod` };
  const podName = pod.metadata?.name ?? '';
  if (options.requireReadyProxy && !podReady(pod)) return { unusable: `k8sd-proxy pod ${podName} on node ${nodeName} is not Ready` };
  return { nodeName, address, podName };
}

/**
 * Control plane nodes in the order upstream tries them (the API server's listing order), without the ignored ones
 * (e.g. the node being removed), with the reasons the others were skipped.
 */
export function controlPlaneTargets(
  nodes: V1Node[],
  proxyPods: V1Pod[],
  route: K8sdRoute,
  ignoreNodes: ReadonlySet<string> = new Set(),
): { targets: NodeTarget[]; skipped: string[] } {
  const targets: NodeTarget[] = [];
  const skipped: string[] = [];
  for (const node of nodes) {
    if (ignoreNodes.has(node.metadata?.name ?? '')) continue;
    const target = nodeTarget(node, proxyPods, route);
    if ('unusable' in target) skipped.push(target.unusable);
    else targets.push(target);
  }
  return { targets, skipped };
}

/**
 * Settles as soon as the caller aborts. The Kubernetes API lookup itself runs to its end in the background (the
 * generated client offers no typed per-call signal), but the caller is not held by it.
 */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const abort = () => reject(new Error('k8sd target lookup aborted', { cause: signal.reason }));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

export interface WorkloadK8sdOptions {
  /** The workload cluster (from `<cluster>-kubeconfig`). */
  kubeConfig: KubeConfig;
  microclusterPort?: number;
  route?: K8sdRoute;
  /** `<cluster>-token` value, for cluster-wide calls and the probe. */
  authToken: string;
  timeoutMs?: number;
}

/** Reaches the k8sd of a workload cluster's nodes, choosing and probing control plane nodes like upstream. */
export class WorkloadK8sd {
  private readonly core: CoreV1Api;
  private readonly route: K8sdRoute;
  private readonly port: number;

  constructor(private readonly options: WorkloadK8sdOptions) {
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.route = options.route ?? 'port-forward';
    this.port = options.microclusterPort ?? DEFAULT_MICROCLUSTER_PORT;
  }

  private async proxyPods(): Promise<V1Pod[]> {
    if (this.route === 'direct') return [];
    const pods = await this.core.listNamespacedPod({ namespace: K8SD_PROXY_NAMESPACE, labelSelector: K8SD_PROXY_SELECTOR });
    if (pods.items.length === 0) throw new Error('there are no k8sd-proxy pods in the workload cluster');
    return pods.items;
  }

  private transport(target: NodeTarget): K8sdTransport {
    if (target.podName === undefined) return directTransport({ address: target.address, port: this.port, nodeName: target.nodeName });
    return portForwardTransport({
      kubeConfig: this.options.kubeConfig,
      podName: target.podName,
      nodeName: target.nodeName,
      nodeAddress: target.address,
      microclusterPort: this.port,
    });
  }

  private client(target: NodeTarget, credentials: K8sdCredentials): K8sdClient {
    return new K8sdClient(this.transport(target), credentials, this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs });
  }

  /** The k8sd of one node (a machine's `status.nodeRef`), for node-token calls; it is not probed. */
  async forNode(nodeName: string, nodeToken: string, options: { signal?: AbortSignal } = {}): Promise<K8sdClient> {
    const [node, pods] = await abortable(Promise.all([this.core.readNode({ name: nodeName }), this.proxyPods()]), options.signal);
    const target = nodeTarget(node, pods, this.route, { requireReadyProxy: false });
    if ('unusable' in target) throw new Error(`cannot reach k8sd: ${target.unusable}`);
    return this.client(target, { authToken: this.options.authToken, nodeToken });
  }

  /**
   * The first control plane node whose k8sd answers the probe (`GET /` with the cluster token), skipping
   * `ignoreNodes`; `nodeName` says which node answered. Fails with every node's reason when none does.
   */
  async forControlPlane(options: { ignoreNodes?: Iterable<string>; signal?: AbortSignal } = {}): Promise<{ client: K8sdClient; nodeName: string }> {
    const [nodes, pods] = await abortable(
      Promise.all([this.core.listNode({ labelSelector: `${CONTROL_PLANE_NODE_LABEL}=` }), this.proxyPods()]),
      options.signal,
    );
    const { targets, skipped } = controlPlaneTargets(nodes.items, pods, this.route, new Set(options.ignoreNodes ?? []));
    const failures = [...skipped];
    for (const target of targets) {
      options.signal?.throwIfAborted();
      const client = this.client(target, { authToken: this.options.authToken });
      try {
        await client.probe(options.signal ? { signal: options.signal } : {});
        return { client, nodeName: target.nodeName };
      } catch (error) {
        client.close();
        if (error instanceof K8sdRequestError && error.kind === 'aborted') throw error;
        failures.push((error as Error).message);
      }
    }
    const reasons = failures.length > 0 ? failures.join('; ') : 'no control plane nodes';
    throw new Error(`no control plane node's k8sd is reachable: ${reasons}`);
  }
}
