import { randomBytes, randomInt } from 'node:crypto';
import type { SnapRefreshRequest, SnapRefreshStatusResponse } from '@capi-ck8s/k8sd';
import type { Clock } from './clock';
import { internalError, K8sdError, unauthorized } from './errors';

export type NodeRole = 'control-plane' | 'worker';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_JOIN_TOKEN_TTL_MS = DAY_MS;
const NANOSECONDS_PER_MILLISECOND = 1_000_000;

/** Where simulated nodes get an address and a listener; the HTTPS simulator implements it. */
export interface NodeHost {
  listen(node: SimulatedNode): Promise<string>;
  close(node: SimulatedNode): Promise<void>;
}

export type Fault =
  | { kind: 'error'; statusCode: number; message: string }
  /** Accepts the request and never answers: for client timeouts and cancellation. */
  | { kind: 'hang' }
  | { kind: 'delay'; milliseconds: number }
  /** Answers with exactly this body, e.g. a proxy's HTML error page instead of k8sd's envelope. */
  | { kind: 'raw'; statusCode: number; body: string };

interface JoinToken {
  token: string;
  name: string;
  role: NodeRole;
  expiresAt: number;
}

interface SnapChange {
  id: string;
  node: SimulatedNode;
  target: SnapRefreshRequest;
  startedAt: number;
  durationMs: number;
  failure: string | undefined;
  applied: boolean;
}

export interface CertificateSigningRequest {
  name: string;
  node: string;
  approved: boolean;
}

export interface SimulatedClusterOptions {
  clock: Clock;
  host: NodeHost;
  /** How long a snap refresh change takes to complete. */
  snapRefreshDurationMs: number;
  nextChangeId: () => string;
}

/** Formats like Go's time.RFC3339 (no fractional seconds). */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Mirrors k8s-snap's CleanHostname: lowercase RFC 1123 labels; empty is allowed (any hostname). */
function cleanHostname(name: string): string {
  const hostname = name.toLowerCase();
  if (hostname !== '' && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(hostname)) {
    throw new K8sdError(400, `invalid hostname "${name}": name must be a valid RFC 1123 hostname`);
  }
  return hostname;
}

function workerCsrNames(seed: number): string[] {
  return [`k8sd-${seed}-worker-kubelet-serving`, `k8sd-${seed}-worker-kubelet-client`, `k8sd-${seed}-worker-kube-proxy-client`];
}

/**
 * One simulated node's k8sd: its token, certificates, snap and the faults a test injected. Simulator only — it keeps
 * state in memory and never touches a snap, a datastore or certificates on disk.
 */
export class SimulatedNode {
  address = '';
  nodeToken: string | undefined;
  certificatesExpiry: Date;
  /** Extra SANs the last control-plane certificate refresh was asked for. */
  lastExtraSans: string[] = [];
  snap: SnapRefreshRequest = { channel: '', revision: '', localPath: '' };
  private readonly faults = new Map<string, Fault[]>();
  private snapFailures: string[] = [];

  constructor(
    readonly name: string,
    readonly role: NodeRole,
    readonly cluster: SimulatedCluster,
    joinedAt: Date,
  ) {
    this.certificatesExpiry = new Date(joinedAt.getTime() + 365 * DAY_MS);
  }

  get member(): boolean {
    return this.cluster.members().includes(this);
  }

  /** The next `count` requests to `path` meet this fault instead of the endpoint. */
  injectFault(path: string, fault: Fault, count = 1): void {
    const queue = this.faults.get(path) ?? [];
    for (let i = 0; i < count; i++) queue.push(fault);
    this.faults.set(path, queue);
  }

  takeFault(path: string): Fault | undefined {
    return this.faults.get(path)?.shift();
  }

  /** The next snap refresh started on this node ends in Error with this message. */
  failNextSnapRefresh(message: string): void {
    this.snapFailures.push(message);
  }

  takeSnapFailure(): string | undefined {
    return this.snapFailures.shift();
  }

  checkNodeToken(presented: string): void {
    if (this.nodeToken === undefined) {
      throw internalError('failed to read node access token: open /var/snap/k8s/common/node-token: no such file or directory');
    }
    if (presented.trim() !== this.nodeToken) throw unauthorized('invalid token');
  }

  /** Closes the node's listener: clients then see connection refused. */
  async stop(): Promise<void> {
    await this.cluster.host.close(this);
  }

  /** Listens again on the same address after stop(), as a rebooted node's k8sd does; its state is kept. */
  async start(): Promise<void> {
    await this.cluster.host.listen(this);
  }
}

/** A simulated Canonical Kubernetes cluster: membership, the CAPI auth token, join tokens, CSRs and snap changes. */
export class SimulatedCluster {
  authToken: string | undefined;
  private readonly nodes = new Map<string, SimulatedNode>();
  private readonly joinTokens: JoinToken[] = [];
  private readonly csrs = new Map<string, CertificateSigningRequest>();
  private readonly csrWaiters = new Set<() => void>();
  private readonly snapChanges = new Map<string, SnapChange>();

  constructor(
    readonly name: string,
    private readonly options: SimulatedClusterOptions,
  ) {}

  get host(): NodeHost {
    return this.options.host;
  }

  get clock(): Clock {
    return this.options.clock;
  }

  members(): SimulatedNode[] {
    return [...this.nodes.values()];
  }

  node(name: string): SimulatedNode | undefined {
    return this.nodes.get(name);
  }

  /** What `k8s x-capi set-auth-token` does on the init node. */
  setAuthToken(token: string): void {
    this.authToken = token;
  }

  checkAuthToken(presented: string): void {
    if (this.authToken === undefined || presented !== this.authToken) throw unauthorized('invalid token');
  }

  /** The first control plane node; a cluster is bootstrapped once. */
  async bootstrap(options: { name: string; nodeToken?: string }): Promise<SimulatedNode> {
    if (this.nodes.size > 0) throw new Error(`cluster ${this.name} is already bootstrapped`);
    return this.addMember(options.name, 'control-plane', options.nodeToken);
  }

  /** A node joining with a token from generate-join-token: the token is consumed, its role and name apply. */
  async join(options: { name: string; token: string; nodeToken?: string }): Promise<SimulatedNode> {
    const now = this.clock.now().getTime();
    const index = this.joinTokens.findIndex((candidate) => candidate.token === options.token);
    const token = this.joinTokens[index];
    if (token === undefined) throw new Error(`join token for ${options.name} is unknown or already used`);
    if (token.expiresAt <= now) throw new Error(`join token for ${options.name} expired at ${new Date(token.expiresAt).toISOString()}`);
    if (token.name !== '' && token.name !== options.name) {
      throw new Error(`join token was issued for "${token.name}", not "${options.name}"`);
    }
    this.joinTokens.splice(index, 1);
    return this.addMember(options.name, token.role, options.nodeToken);
  }

  private async addMember(name: string, role: NodeRole, nodeToken: string | undefined): Promise<SimulatedNode> {
    if (this.nodes.has(name)) throw new Error(`node ${name} is already a member of cluster ${this.name}`);
    const node = new SimulatedNode(name, role, this, this.clock.now());
    node.nodeToken = nodeToken;
    node.address = await this.host.listen(node);
    this.nodes.set(name, node);
    return node;
  }

  /** Outstanding (unused) join tokens, for inspection. */
  pendingJoinTokens(): ReadonlyArray<Readonly<JoinToken>> {
    return this.joinTokens;
  }

  /** Like k8sd: a token is reused while one exists for the same name and role; TTL in Go nanoseconds. */
  generateJoinToken(request: { name: string; worker: boolean; ttl: number }): string {
    const name = cleanHostname(request.name);
    if (name !== '' && this.nodes.has(name)) {
      throw internalError(`A node with the same name "${name}" is already part of the cluster`);
    }
    const role: NodeRole = request.worker ? 'worker' : 'control-plane';
    const now = this.clock.now().getTime();
    // A named request gets the pending token for that name again; an unnamed one always gets a fresh token, as
    // k8sd issues one per request — two workers asking at once must not share a single-use token.
    const existing =
      name === '' ? undefined : this.joinTokens.find((token) => token.name === name && token.role === role && token.expiresAt > now);
    if (existing) return existing.token;
    const ttlMs = request.ttl > 0 ? request.ttl / NANOSECONDS_PER_MILLISECOND : DEFAULT_JOIN_TOKEN_TTL_MS;
    const token = { token: `sim-${role}-${randomBytes(16).toString('hex')}`, name, role, expiresAt: now + ttlMs };
    this.joinTokens.push(token);
    return token.token;
  }

  removeNode(name: string): void {
    if (!this.nodes.delete(name)) throw internalError(`Node "${name}" is not part of the cluster`);
  }

  planCertificateRefresh(node: SimulatedNode): { seed: number; csrNames: string[] } {
    const seed = randomInt(1, 2 ** 47);
    return { seed, csrNames: node.role === 'worker' ? workerCsrNames(seed) : [] };
  }

  /**
   * Control plane: certificates renewed at once. Worker: creates its three CSRs and waits until a control plane
   * approves them (refresh-certs/approve), as k8sd does; `signal` ends the wait when the client goes away.
   */
  async runCertificateRefresh(
    node: SimulatedNode,
    request: { seed: number; expirationSeconds: number; extraSans: string[] },
    signal: AbortSignal,
  ): Promise<Date> {
    if (node.role === 'worker') {
      const names = workerCsrNames(request.seed);
      for (const name of names) {
        if (this.csrs.has(name)) {
          throw internalError(`failed to get worker node certificates: failed to create CSR for ${name}: certificatesigningrequests.certificates.k8s.io "${name}" already exists`);
        }
      }
      for (const name of names) this.csrs.set(name, { name, node: node.name, approved: false });
      await this.waitUntil(() => names.every((name) => this.csrs.get(name)?.approved === true), signal);
    } else {
      node.lastExtraSans = request.extraSans;
    }
    node.certificatesExpiry = new Date(this.clock.now().getTime() + request.expirationSeconds * 1000);
    return node.certificatesExpiry;
  }

  approveWorkerCsrs(seed: number): void {
    const names = workerCsrNames(seed);
    const pending = names.map((name) => {
      const csr = this.csrs.get(name);
      if (csr === undefined) {
        throw internalError(`failed to approve worker node CSR: failed to get CSR ${name}: certificatesigningrequests.certificates.k8s.io "${name}" not found`);
      }
      if (csr.approved) throw internalError(`failed to approve worker node CSR: CSR ${name} already approved`);
      return csr;
    });
    for (const csr of pending) csr.approved = true;
    for (const wake of this.csrWaiters) wake();
  }

  certificateSigningRequests(): CertificateSigningRequest[] {
    return [...this.csrs.values()];
  }

  private waitUntil(condition: () => boolean, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        this.csrWaiters.delete(check);
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.csrWaiters.delete(check);
        reject(internalError('certificate signing request failed: context canceled'));
      };
      if (signal.aborted) return abort();
      this.csrWaiters.add(check);
      signal.addEventListener('abort', abort, { once: true });
      check();
    });
  }

  startSnapRefresh(node: SimulatedNode, target: SnapRefreshRequest): string {
    const chosen = [target.channel, target.revision, target.localPath].filter((value) => value !== '');
    if (chosen.length !== 1) {
      throw internalError('failed to refresh snap: exactly one of channel, revision or localPath must be set');
    }
    const id = this.options.nextChangeId();
    this.snapChanges.set(id, {
      id,
      node,
      target,
      startedAt: this.clock.now().getTime(),
      durationMs: this.options.snapRefreshDurationMs,
      failure: node.takeSnapFailure(),
      applied: false,
    });
    return id;
  }

  /** Changes progress with the clock: Do, then Doing, then Done (the snap moves to its target) or Error. */
  snapRefreshStatus(node: SimulatedNode, changeId: string): SnapRefreshStatusResponse {
    const change = this.snapChanges.get(changeId);
    if (change === undefined || change.node !== node) {
      throw internalError(`failed to get snap refresh status: cannot find change with id "${changeId}"`);
    }
    const elapsed = this.clock.now().getTime() - change.startedAt;
    if (elapsed < change.durationMs) {
      return { status: elapsed < change.durationMs / 10 ? 'Do' : 'Doing', completed: false, errorMessage: '' };
    }
    if (change.failure !== undefined) return { status: 'Error', completed: true, errorMessage: change.failure };
    if (!change.applied) {
      change.applied = true;
      node.snap = { ...change.target };
    }
    return { status: 'Done', completed: true, errorMessage: '' };
  }
}
