import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PORT_FORWARD_PROTOCOL } from '@capi-ck8s/k8sd';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import { type WebSocket, WebSocketServer } from 'ws';

export interface ForwardTarget {
  host: string;
  port: number;
}

export interface PortForwardRequestRecord {
  namespace: string;
  pod: string;
  port: number;
  protocol: string;
}

export interface KubeletPortForwardSimulatorOptions {
  /** The node's address (its InternalIP); the API server dials `<address>:<port>`. */
  address: string;
  port?: number;
  /** Where a pod port leads, e.g. the k8sd-proxy pod's 2380 to the node's k8sd; undefined means no such pod. */
  resolve: (namespace: string, pod: string, port: number) => ForwardTarget | undefined;
}

function portMessage(channel: number, port: number): Buffer {
  const message = Buffer.alloc(3);
  message.writeUInt8(channel, 0);
  message.writeUInt16LE(port, 1);
  return message;
}

/**
 * SIMULATES the port-forward endpoint of a node's kubelet/container runtime (`/portForward/<namespace>/<pod>`,
 * WebSocket v4.channel.k8s.io), so that a real kube-apiserver can proxy pod port-forwards to simulated nodes. A pod
 * port is forwarded to a TCP address, as the k8sd-proxy's socat forwards 2380 to the node's k8sd.
 */
export class KubeletPortForwardSimulator {
  readonly requests: PortForwardRequestRecord[] = [];
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: Server,
    private readonly websockets: WebSocketServer,
  ) {}

  static async start(options: KubeletPortForwardSimulatorOptions): Promise<KubeletPortForwardSimulator> {
    const ca = await createCertificateAuthority({ commonName: 'kubelet-simulator-ca', algorithm: 'ECDSA-P256' });
    const serving = await issueCertificate({
      issuer: ca,
      commonName: 'kubelet-simulator',
      ipAddresses: [options.address],
      usages: ['serverAuth'],
      algorithm: 'ECDSA-P256',
    });
    const websockets = new WebSocketServer({
      noServer: true,
      handleProtocols: (offered) => (offered.has(PORT_FORWARD_PROTOCOL) ? PORT_FORWARD_PROTOCOL : false),
    });
    const server = createServer({ cert: serving.certPem, key: serving.keyPem }, (_request, response) => {
      response.writeHead(404).end('only port-forward upgrades are simulated');
    });
    const simulator = new KubeletPortForwardSimulator(server, websockets);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => simulator.upgrade(options, request, socket, head));
    server.listen(options.port ?? 0, options.address);
    await once(server, 'listening');
    return simulator;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  private upgrade(options: KubeletPortForwardSimulatorOptions, request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'https://kubelet');
    const match = /^\/portForward\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const port = Number(url.searchParams.get('port'));
    if (!match || !Number.isInteger(port) || port <= 0) {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\nexpected /portForward/<namespace>/<pod>?port=<port>');
      return;
    }
    const [, namespace = '', pod = ''] = match;
    const target = options.resolve(namespace, pod, port);
    if (!target) {
      socket.end(`HTTP/1.1 404 Not Found\r\n\r\npod ${namespace}/${pod} not found on this node`);
      return;
    }
    this.websockets.handleUpgrade(request, socket, head, (websocket) => {
      this.requests.push({ namespace, pod, port, protocol: websocket.protocol });
      this.forward(websocket, target, `pod ${pod}`, port);
    });
  }

  private forward(websocket: WebSocket, target: ForwardTarget, pod: string, port: number): void {
    this.sockets.add(websocket);
    websocket.send(portMessage(0, port));
    websocket.send(portMessage(1, port));
    const upstream: Socket = connect(target.port, target.host);
    upstream.on('data', (chunk: Buffer) => websocket.send(Buffer.concat([Buffer.from([0]), chunk])));
    upstream.on('end', () => websocket.close());
    upstream.on('error', (error) => {
      // The runtime reports a failed dial on the error channel, then closes the stream.
      websocket.send(Buffer.concat([Buffer.from([1]), Buffer.from(`error forwarding port ${port} to ${pod}: ${error.message}`)]));
      websocket.close();
    });
    websocket.on('message', (message: Buffer) => {
      if (message[0] === 0) upstream.write(message.subarray(1));
    });
    websocket.on('close', () => {
      this.sockets.delete(websocket);
      upstream.destroy();
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    this.websockets.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
