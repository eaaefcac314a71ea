import { type ClientRequest, type IncomingMessage, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';

export interface TransportRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface TransportResponse {
  statusCode: number;
  body: string;
}

/** How requests reach one node's k8sd. `target` names the node and route for errors and logs. */
export interface K8sdTransport {
  readonly target: string;
  send(request: TransportRequest): Promise<TransportResponse>;
  close(): void;
}

/** `address:port`, with an IPv6 address in brackets (for URLs and the Host header). */
export function hostPort(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** A guard against a peer that is not k8sd streaming without end into memory. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

/** Runs one HTTP exchange; the request is destroyed when the signal fires, and the body is read in full. */
function exchange(
  start: (options: RequestOptions, onResponse: (response: IncomingMessage) => void) => ClientRequest,
  options: RequestOptions,
  request: TransportRequest,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const body = request.body ?? '';
    const outgoing = start(
      {
        ...options,
        method: request.method,
        path: request.path,
        headers: {
          ...request.headers,
          ...(request.method === 'POST' ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        },
        signal: request.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            response.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes; k8sd answers are small JSON envelopes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.method === 'POST' ? body : undefined);
  });
}

/**
 * HTTPS straight to `<node address>:<microclusterPort>`. Like upstream, k8sd's self-signed serving certificate is not
 * verified: k8sd authenticates the caller by token, and nothing in the cluster publishes its certificate yet.
 */
export function directTransport(options: { address: string; port: number; nodeName?: string }): K8sdTransport {
  // No keep-alive: k8sd calls are rare, and a pooled socket to a node that restarted fails the next call with
  // "socket hang up" instead of reconnecting (POSTs are not retried).
  const agent = new Agent({ keepAlive: false, rejectUnauthorized: false });
  const host = hostPort(options.address, options.port);
  return {
    target: `${options.nodeName ? `node ${options.nodeName} ` : ''}(direct https://${host})`,
    send: (request) => exchange(httpsRequest, { host: options.address, port: options.port, agent }, request),
    close: () => agent.destroy(),
  };
}

/** HTTP over an already-open TLS stream (one request per stream), e.g. a port-forward tunnel. */
export function exchangeOverStream(socket: Duplex, hostHeader: string, request: TransportRequest): Promise<TransportResponse> {
  return exchange(
    httpRequest,
    { createConnection: () => socket, setHost: false },
    { ...request, headers: { host: hostHeader, ...request.headers } },
  );
}
