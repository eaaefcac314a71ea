import type https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch, type Dispatcher, type Response } from 'undici';
import { ApiError, type StatusBody } from './errors';

export type QueryValue = string | number | boolean | undefined;

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** Receives one call per completed request, for rest_client_* metrics. */
export interface RestObserver {
  completed(request: { method: string; host: string; code: string; seconds: number }): void;
}

interface ConnectionSettings {
  server: URL;
  dispatcher: Dispatcher | undefined;
}

/**
 * A plain-JSON client for the Kubernetes API on top of a client-node KubeConfig. client-node's generated clients
 * convert objects into model classes (Dates, renamed fields) and build a new connection pool per request; the
 * runtime needs the raw JSON the apiserver sends and one pooled connection per apiserver, so it only borrows
 * client-node's authentication.
 */
export class RestClient {
  private connection: ConnectionSettings | undefined;

  constructor(
    readonly kubeConfig: KubeConfig,
    private readonly observer?: RestObserver,
  ) {}

  /** Sends a request and returns the parsed JSON body; non-2xx answers throw {@link ApiError}. */
  async request<T>(request: RestRequest): Promise<T> {
    const response = await this.send(request);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Sends a request and returns the response with its body unread (for watches); non-2xx answers throw. A 429 with
   * Retry-After (API priority and fairness shedding load) is retried after the requested pause, like client-go.
   */
  async send(request: RestRequest): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(request);
      } catch (error) {
        const pauseMs = retryPauseMs(error, attempt);
        if (pauseMs === undefined || request.signal?.aborted) throw error;
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    }
  }

  private async sendOnce(request: RestRequest): Promise<Response> {
    const { server, dispatcher } = await this.connectionSettings();
    const url = new URL(server.pathname.replace(/\/$/, '') + request.path, server);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = await this.authenticationHeaders();
    headers['accept'] = 'application/json';
    if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
    const startedAt = performance.now();
    let code = '<error>';
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        dispatcher,
        signal: request.signal,
      });
      code = String(response.status);
      if (response.status >= 200 && response.status < 300) return response;
      throw await apiErrorFrom(response, `${request.method} ${request.path}`);
    } finally {
      this.observer?.completed({ method: request.method, host: url.host, code, seconds: (performance.now() - startedAt) / 1000 });
    }
  }

  private async authenticationHeaders(): Promise<Record<string, string>> {
    // Token sources (service account files, exec plugins) refresh behind applyToHTTPSOptions, so ask every time.
    const options: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = String(value);
    return headers;
  }

  private async connectionSettings(): Promise<ConnectionSettings> {
    if (this.connection) return this.connection;
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const tls: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(tls);
    const server = new URL(cluster.server);
    const dispatcher =
      server.protocol === 'https:'
        ? new Agent({
            connect: {
              ca: tls.ca,
              cert: tls.cert,
              key: tls.key,
              ...(tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: tls.rejectUnauthorized }),
              ...(tls.servername ? { servername: tls.servername } : {}),
              keepAlive: true,
              keepAliveInitialDelay: 30_000,
            },
          })
        : undefined;
    this.connection = { server, dispatcher };
    return this.connection;
  }

  /** Closes pooled connections; in-flight requests fail. */
  async close(): Promise<void> {
    const dispatcher = this.connection?.dispatcher;
    this.connection = undefined;
    await dispatcher?.destroy();
  }
}

const MAX_THROTTLED_ATTEMPTS = 5;

/** How long to wait before retrying a throttled request, or `undefined` when it should not be retried. */
export function retryPauseMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof ApiError) || error.code !== 429 || error.retryAfterSeconds === undefined) return undefined;
  if (attempt >= MAX_THROTTLED_ATTEMPTS) return undefined;
  return Math.min(error.retryAfterSeconds, 10) * 1000;
}

async function apiErrorFrom(response: Response, description: string): Promise<ApiError> {
  let status: StatusBody | undefined;
  try {
    const parsed: unknown = await response.json();
    if (parsed && typeof parsed === 'object') status = parsed;
  } catch {
    status = undefined;
  }
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiError(response.status, description, status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined);
}
