import {
  type ApproveWorkerCsrRequest,
  CAPI_AUTH_TOKEN_HEADER,
  type CertificatesExpiryResponse,
  type GenerateJoinTokenRequest,
  type GenerateJoinTokenResponse,
  K8SD_PATHS,
  NODE_TOKEN_HEADER,
  type RefreshCertificatesPlanResponse,
  type RefreshCertificatesRunRequest,
  type RefreshCertificatesRunResponse,
  type RemoveNodeRequest,
  type SnapRefreshRequest,
  type SnapRefreshResponse,
  type SnapRefreshStatusResponse,
} from './api';
import { K8sdRequestError } from './errors';
import type { K8sdTransport, TransportResponse } from './transport';

/** Upstream's `--k8sd-dial-timeout-duration` default. */
export const DEFAULT_K8SD_TIMEOUT_MS = 60_000;

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's timeout for this call (e.g. a worker certificate refresh that waits for approval). */
  timeoutMs?: number;
}

export interface K8sdCredentials {
  /** `<cluster>-token` key `value`: for cluster-wide calls (join tokens, remove-node, CSR approval, probe). */
  authToken?: string;
  /** `<cluster>-token` key `node-token-<machine>`: for calls about this node. */
  nodeToken?: string;
}

type Auth = 'capi-auth-token' | 'node-token';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A typed client for the k8sd endpoints the providers use, on one node through one transport. Every call has a
 * timeout and honours an AbortSignal; failures are K8sdRequestError naming the endpoint, node and cause.
 */
export class K8sdClient {
  readonly timeoutMs: number;

  constructor(
    readonly transport: K8sdTransport,
    private readonly credentials: K8sdCredentials,
    options: { timeoutMs?: number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_K8SD_TIMEOUT_MS;
  }

  get target(): string {
    return this.transport.target;
  }

  /** Upstream's reachability probe: `GET /` with the cluster token; any successful envelope will do. */
  async probe(options: CallOptions = {}): Promise<void> {
    await this.call('GET', K8SD_PATHS.root, 'capi-auth-token', undefined, options);
  }

  async generateJoinToken(request: GenerateJoinTokenRequest, options: CallOptions = {}): Promise<string> {
    const metadata = await this.call('POST', K8SD_PATHS.generateJoinToken, 'capi-auth-token', request, options);
    return this.field<GenerateJoinTokenResponse, 'token'>(K8SD_PATHS.generateJoinToken, metadata, 'token', 'string');
  }

  /** Upstream always forces removal (best effort across Kubernetes, datastore and microcluster). */
  async removeNode(name: string, options: CallOptions = {}): Promise<void> {
    const request: RemoveNodeRequest = { name, force: true, timeout: 0 };
    await this.call('POST', K8SD_PATHS.removeNode, 'capi-auth-token', request, options);
  }

  async certificatesExpiry(options: CallOptions = {}): Promise<Date> {
    const path = K8SD_PATHS.certificatesExpiry;
    const metadata = await this.call('POST', path, 'node-token', {}, options);
    const text = this.field<CertificatesExpiryResponse, 'expiry-date'>(path, metadata, 'expiry-date', 'string');
    const date = new Date(text);
    if (Number.isNaN(date.getTime())) throw this.protocolError(path, `metadata["expiry-date"] ${JSON.stringify(text)} is not an RFC 3339 time`);
    return date;
  }

  /** Returns the seed (sent by k8sd under the key `seconds`) and, for workers, the CSR names it will create. */
  async refreshCertificatesPlan(options: CallOptions = {}): Promise<{ seed: number; certificateSigningRequests: string[] }> {
    const path = K8SD_PATHS.refreshCertificatesPlan;
    const metadata = await this.call('POST', path, 'node-token', { certificates: null }, options);
    const seed = this.field<RefreshCertificatesPlanResponse, 'seconds'>(path, metadata, 'seconds', 'number');
    const csrs: unknown = isRecord(metadata) ? (metadata['certificate-signing-requests'] ?? []) : [];
    if (!Array.isArray(csrs) || !csrs.every((name) => typeof name === 'string')) {
      throw this.protocolError(path, 'metadata["certificate-signing-requests"] must be a list of strings');
    }
    return { seed, certificateSigningRequests: csrs };
  }

  /**
   * Renews the node's certificates for `expirationSeconds`; resolves with their NotAfter (k8sd returns it as Unix
   * seconds under `expiration-seconds`). On a worker this blocks until the CSRs are approved.
   */
  async refreshCertificatesRun(
    request: { seed: number; expirationSeconds: number; extraSans?: string[] },
    options: CallOptions = {},
  ): Promise<Date> {
    const path = K8SD_PATHS.refreshCertificatesRun;
    // No `certificates` key: the run request struct has none and k8sd's strict decoder would reject it.
    const body: RefreshCertificatesRunRequest = {
      seed: request.seed,
      'expiration-seconds': request.expirationSeconds,
      'extra-sans': request.extraSans ?? null,
    };
    const metadata = await this.call('POST', path, 'node-token', body, options);
    const unixSeconds = this.field<RefreshCertificatesRunResponse, 'expiration-seconds'>(path, metadata, 'expiration-seconds', 'number');
    return new Date(unixSeconds * 1000);
  }

  async approveWorkerCertificates(seed: number, options: CallOptions = {}): Promise<void> {
    const request: ApproveWorkerCsrRequest = { seed };
    await this.call('POST', K8SD_PATHS.refreshCertificatesApprove, 'capi-auth-token', request, options);
  }

  /** Starts `snap refresh` on the node; exactly one of channel, revision or localPath should be set. */
  async snapRefresh(target: Partial<SnapRefreshRequest>, options: CallOptions = {}): Promise<string> {
    const request: SnapRefreshRequest = { channel: target.channel ?? '', revision: target.revision ?? '', localPath: target.localPath ?? '' };
    const metadata = await this.call('POST', K8SD_PATHS.snapRefresh, 'node-token', request, options);
    return this.field<SnapRefreshResponse, 'changeId'>(K8SD_PATHS.snapRefresh, metadata, 'changeId', 'string');
  }

  async snapRefreshStatus(changeId: string, options: CallOptions = {}): Promise<SnapRefreshStatusResponse> {
    const path = K8SD_PATHS.snapRefreshStatus;
    const metadata = await this.call('POST', path, 'node-token', { changeId }, options);
    return {
      status: this.field<SnapRefreshStatusResponse, 'status'>(path, metadata, 'status', 'string'),
      completed: this.field<SnapRefreshStatusResponse, 'completed'>(path, metadata, 'completed', 'boolean'),
      errorMessage: isRecord(metadata) && typeof metadata['errorMessage'] === 'string' ? metadata['errorMessage'] : '',
    };
  }

  close(): void {
    this.transport.close();
  }

  private token(auth: Auth, path: string): string {
    const token = auth === 'capi-auth-token' ? this.credentials.authToken : this.credentials.nodeToken;
    if (!token) {
      const needed = auth === 'capi-auth-token' ? 'the cluster auth token (authToken)' : 'the node token (nodeToken)';
      throw new K8sdRequestError({ kind: 'protocol', path, target: this.target, detail: `this call needs ${needed}, which the client was not given` });
    }
    return token;
  }

  private async call(method: 'GET' | 'POST', path: string, auth: Auth, body: unknown, options: CallOptions): Promise<unknown> {
    const headerName = auth === 'capi-auth-token' ? CAPI_AUTH_TOKEN_HEADER : NODE_TOKEN_HEADER;
    const token = this.token(auth, path);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: TransportResponse;
    try {
      response = await this.transport.send({
        method,
        path,
        headers: { [headerName]: token },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new K8sdRequestError({ kind: 'aborted', path, target: this.target, detail: 'cancelled by the caller', cause: error });
      if (timeout.aborted) throw new K8sdRequestError({ kind: 'timeout', path, target: this.target, detail: `no answer within ${timeoutMs} ms`, cause: error });
      throw new K8sdRequestError({ kind: 'connection', path, target: this.target, detail: (error as Error).message, cause: error });
    }
    return this.metadataOf(path, response);
  }

  private metadataOf(path: string, response: TransportResponse): unknown {
    let envelope: unknown;
    try {
      envelope = JSON.parse(response.body);
    } catch {
      const detail = `HTTP ${response.statusCode} with a body that is not JSON: ${JSON.stringify(response.body.slice(0, 200))}`;
      throw new K8sdRequestError({ kind: response.statusCode === 200 ? 'protocol' : 'http', path, target: this.target, detail, statusCode: response.statusCode });
    }
    const error = isRecord(envelope) && typeof envelope['error'] === 'string' ? envelope['error'] : '';
    if (response.statusCode !== 200) {
      throw new K8sdRequestError({ kind: 'http', path, target: this.target, detail: `HTTP ${response.statusCode}: ${error || '(no error text)'}`, statusCode: response.statusCode });
    }
    if (!isRecord(envelope)) throw this.protocolError(path, 'the response is not a JSON object envelope');
    if (error !== '') throw new K8sdRequestError({ kind: 'envelope', path, target: this.target, detail: error, statusCode: response.statusCode });
    return envelope['metadata'];
  }

  private field<T, K extends keyof T & string>(path: string, metadata: unknown, key: K, type: 'string' | 'number' | 'boolean'): T[K] {
    const value = isRecord(metadata) ? metadata[key] : undefined;
    if (typeof value !== type || (type === 'number' && !Number.isSafeInteger(value))) {
      throw this.protocolError(path, `metadata["${key}"] must be a${type === 'number' ? 'n integer' : ` ${type}`}, got ${JSON.stringify(value)}`);
    }
    return value as T[K];
  }

  private protocolError(path: string, detail: string): K8sdRequestError {
    return new K8sdRequestError({ kind: 'protocol', path, target: this.target, detail });
  }
}
