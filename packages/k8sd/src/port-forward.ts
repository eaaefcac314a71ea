// Pod port-forwarding over the API server's WebSocket protocol (v4.channel.k8s.io), the way upstream reaches a node's
// k8sd through its k8sd-proxy pod. Each WebSocket carries exactly one TCP connection to the pod port: every binary
// message starts with a channel byte (0 = data, 1 = error for the first port), and the first message on each channel
// is the port number as two little-endian bytes.
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { Duplex } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA_CHANNEL = 0;
const ERROR_CHANNEL = 1;

export type PortForwardEvent =
  | { type: 'data'; data: Buffer }
  | { type: 'error'; message: string }
  | { type: 'none' };

/**
 * Decodes the server's messages for a single forwarded port. Pure: a protocol violation throws with what was wrong.
 */
export function createPortForwardDecoder(port: number): (message: Buffer) => PortForwardEvent {
  const awaitingPortPrefix = new Set([DATA_CHANNEL, ERROR_CHANNEL]);
  return (message) => {
    if (message.length === 0) throw new Error('port-forward: empty WebSocket message (no channel byte)');
    const channel = message[0] ?? -1;
    if (channel !== DATA_CHANNEL && channel !== ERROR_CHANNEL) throw new Error(`port-forward: message on unknown channel ${channel}`);
    let payload = message.subarray(1);
    if (awaitingPortPrefix.has(channel)) {
      if (payload.length < 2) throw new Error(`port-forward: channel ${channel} opened without its 2-byte port number`);
      const announced = payload.readUInt16LE(0);
      if (announced !== port) throw new Error(`port-forward: channel ${channel} announced port ${announced}, expected ${port}`);
      awaitingPortPrefix.delete(channel);
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return { type: 'none' };
    return channel === DATA_CHANNEL ? { type: 'data', data: payload } : { type: 'error', message: payload.toString('utf8') };
  };
}

export function encodePortForwardData(chunk: Buffer): Buffer {
  return Buffer.concat([Buffer.from([DATA_CHANNEL]), chunk]);
}

/** The forwarded TCP connection as a stream: what is written goes to the pod port, what the pod sends is read. */
class PortForwardStream extends Duplex {
  constructor(
    private readonly socket: WebSocket,
    port: number,
    describe: string,
  ) {
    super();
    const decode = createPortForwardDecoder(port);
    let remoteError = '';
    socket.on('message', (message: Buffer, isBinary) => {
      if (!isBinary) return;
      try {
        const event = decode(message);
        if (event.type === 'data') this.push(event.data);
        if (event.type === 'error') remoteError += event.message;
      } catch (error) {
        this.destroy(error as Error);
      }
    });
    socket.on('close', () => {
      if (remoteError !== '') this.destroy(new Error(`port-forward to ${describe} failed: ${remoteError}`));
      else this.push(null);
    });
    socket.on('error', (error) => this.destroy(error));
  }

  override _read(): void {
    // Data is pushed as WebSocket messages arrive; the tunnel has no flow control of its own to resume.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.readyState !== WebSocket.OPEN) return callback(new Error('port-forward tunnel is closed'));
    this.socket.send(encodePortForwardData(chunk), { binary: true }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    callback(error);
  }
}

export interface PortForwardOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  pod: string;
  port: number;
  signal?: AbortSignal;
}

export function portForwardPath(namespace: string, pod: string, port: number): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', () => resolve(''));
  });
}

/** The API server refuses an upgrade with a Status object; its message says why (pod not found, forbidden, ...). */
function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: unknown };
    if (typeof status.message === 'string') return status.message;
  } catch {
    // Not a Status object: show the raw text.
  }
  return body.slice(0, 300);
}

/** Opens one forwarded connection to `pod:port` through the API server of `kubeConfig`'s current cluster. */
export async function openPortForward(options: PortForwardOptions): Promise<Duplex> {
  const cluster = options.kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('port-forward: the kubeconfig has no current cluster');
  const url = `${cluster.server.replace(/^http/, 'ws')}${portForwardPath(options.namespace, options.pod, options.port)}`;
  const describe = `pod ${options.namespace}/${options.pod} port ${options.port}`;
  const connection: RequestOptions = {};
  await options.kubeConfig.applyToHTTPSOptions(connection);
  options.signal?.throwIfAborted();
  const socket = new WebSocket(url, [PORT_FORWARD_PROTOCOL], connection);
  return new Promise((resolve, reject) => {
    const abort = () => {
      socket.terminate();
      reject(new Error(`port-forward to ${describe} aborted`, { cause: options.signal?.reason }));
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    const settle = () => options.signal?.removeEventListener('abort', abort);
    socket.once('unexpected-response', (_request: ClientRequest, response: IncomingMessage) => {
      void readBody(response).then((body) => {
        settle();
        socket.terminate();
        reject(new Error(`port-forward to ${describe} refused by the API server: HTTP ${response.statusCode ?? 0}: ${statusMessage(body)}`));
      });
    });
    socket.once('error', (error) => {
      settle();
      reject(new Error(`port-forward to ${describe}: ${error.message}`, { cause: error }));
    });
    socket.once('open', () => {
      settle();
      if (socket.protocol !== PORT_FORWARD_PROTOCOL) {
        socket.terminate();
        reject(new Error(`port-forward to ${describe}: server chose protocol "${socket.protocol}", need ${PORT_FORWARD_PROTOCOL}`));
        return;
      }
      resolve(new PortForwardStream(socket, options.port, describe));
    });
  });
}
