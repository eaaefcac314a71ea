import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { KubeConfig } from '@kubernetes/client-node';
import { openPortForward } from './port-forward';
import { exchangeOverStream, hostPort, type K8sdTransport } from './transport';

/** The k8sd-proxy DaemonSet's socat listens on this pod port whatever the microcluster port is (upstream hard-codes it). */
export const K8SD_PROXY_POD_PORT = 2380;
export const K8SD_PROXY_NAMESPACE = 'kube-system';

export interface PortForwardTransportOptions {
  /** The workload cluster's API server credentials. */
  kubeConfig: KubeConfig;
  podName: string;
  nodeName: string;
  /** Used for TLS SNI and the Host header only, as upstream does; the tunnel decides where bytes go. */
  nodeAddress: string;
  microclusterPort: number;
  podPort?: number;
}

/**
 * Reaches a node's k8sd through its k8sd-proxy pod: one port-forward tunnel per request, TLS to k8sd inside it
 * (unverified, like upstream), then one HTTP exchange.
 */
export function portForwardTransport(options: PortForwardTransportOptions): K8sdTransport {
  const podPort = options.podPort ?? K8SD_PROXY_POD_PORT;
  const server = options.kubeConfig.getCurrentCluster()?.server ?? '(no cluster)';
  return {
    target: `node ${options.nodeName} (port-forward ${K8SD_PROXY_NAMESPACE}/${options.podName}:${podPort} via ${server})`,
    async send(request) {
      const tunnel = await openPortForward({
        kubeConfig: options.kubeConfig,
        namespace: K8SD_PROXY_NAMESPACE,
        pod: options.podName,
        port: podPort,
        signal: request.signal,
      });
      const socket = tlsConnect({
        socket: tunnel,
        rejectUnauthorized: false,
        ...(isIP(options.nodeAddress) ? {} : { servername: options.nodeAddress }),
      });
      tunnel.on('error', (error) => socket.destroy(error));
      try {
        return await exchangeOverStream(socket, hostPort(options.nodeAddress, options.microclusterPort), request);
      } finally {
        socket.destroy();
        tunnel.destroy();
      }
    },
    close: () => undefined,
  };
}
