import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  CAPI_AUTH_TOKEN_HEADER,
  K8SD_PATHS,
  type K8sdEnvelope,
  NODE_TOKEN_HEADER,
} from '@capi-ck8s/k8sd';
import { createCertificateAuthority, issueCertificate } from '@capi-ck8s/pki';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Clock, systemClock } from './clock';
import { type NodeHost, rfc3339, SimulatedCluster, type SimulatedNode } from './cluster';
import { badRequest, K8sdError, unauthorized, unavailable } from './errors';
import { decodeStrict, type Schema, StrictJsonError } from './strict-json';

export interface K8sdSimulatorOptions {
  clock?: Clock;
  /** The microcluster port every simulated node listens on (each on its own loopback address); 0 picks one. */
  port?: number;
  /** How long a snap refresh takes on the simulated clock. Default 5 s. */
  snapRefreshDurationMs?: number;
}

export interface RequestRecord {
  cluster: string;
  node: string;
  method: string;
  path: string;
  /** The Host header: which address the caller believed it was talking to. */
  host: string;
  /** The raw request body, to check a client's exact JSON. */
  body: string;
  statusCode: number;
}

type Auth = 'capi-auth-token' | 'node-token' | 'none';

interface Endpoint<S extends Schema> {
  path: string;
  auth: Auth;
  schema: S;
  goStruct: string;
  /** Only control plane nodes answer (they hold the cluster database). */
  controlPlaneOnly?: boolean;
  handle: (node: SimulatedNode, body: ReturnType<typeof decodeStrict<S>>, signal: AbortSignal) => unknown;
}

interface Route {
  path: string;
  auth: Auth;
  controlPlaneOnly: boolean;
  decodeAndHandle: (node: SimulatedNode, rawBody: string, signal: AbortSignal) => unknown;
}

/** Binds an endpoint's schema to its handler, so routes of different shapes share one type. */
function endpoint<S extends Schema>(definition: Endpoint<S>): Route {
  return {
    path: definition.path,
    auth: definition.auth,
    controlPlaneOnly: definition.controlPlaneOnly ?? false,
    decodeAndHandle: (node, rawBody, signal) => {
      let body;
      try {
        body = decodeStrict(rawBody, definition.schema, definition.goStruct);
      } catch (error) {
        if (error instanceof StrictJsonError) throw badRequest(`failed to parse request: ${error.message}`);
        throw error;
      }
      return definition.handle(node, body, signal);
    },
  };
}

const ROUTES: Route[] = [
  endpoint({
    path: K8SD_PATHS.generateJoinToken,
    auth: 'capi-auth-token',
    controlPlaneOnly: true,
    schema: { name: 'string', worker: 'bool', ttl: 'int' },
    goStruct: 'apiv1.GetJoinTokenRequest',
    handle: (node, body) => ({ token: node.cluster.generateJoinToken(body) }),
  }),
  endpoint({
    path: K8SD_PATHS.removeNode,
    auth: 'capi-auth-token',
    controlPlaneOnly: true,
    schema: { name: 'string', force: 'bool', timeout: 'int' },
    goStruct: 'apiv1.RemoveNodeRequest',
    handle: (node, body) => {
      node.cluster.removeNode(body.name);
      return {};
    },
  }),
  endpoint({
    path: K8SD_PATHS.certificatesExpiry,
    auth: 'node-token',
    schema: {},
    goStruct: 'apiv1.CertificatesExpiryRequest',
    handle: (node) => ({ 'expiry-date': rfc3339(node.certificatesExpiry) }),
  }),
  endpoint({
    path: K8SD_PATHS.refreshCertificatesPlan,
    auth: 'node-token',
    schema: { certificates: 'string-list' },
    goStruct: 'apiv1.RefreshCertificatesPlanRequest',
    handle: (node) => {
      const plan = node.cluster.planCertificateRefresh(node);
      return { seconds: plan.seed, 'certificate-signing-requests': plan.csrNames.length > 0 ? plan.csrNames : null };
    },
  }),
  endpoint({
    path: K8SD_PATHS.refreshCertificatesRun,
    auth: 'node-token',
    schema: { seed: 'int', 'expiration-seconds': 'int', 'extra-sans': 'string-list' },
    goStruct: 'apiv1.RefreshCertificatesRunRequest',
    handle: async (node, body, signal) => {
      const notAfter = await node.cluster.runCertificateRefresh(
        node,
        { seed: body.seed, expirationSeconds: body['expiration-seconds'], extraSans: body['extra-sans'] ?? [] },
        signal,
      );
      return { 'expiration-seconds': Math.floor(notAfter.getTime() / 1000) };
    },
  }),
  endpoint({
    path: K8SD_PATHS.refreshCertificatesApprove,
    auth: 'capi-auth-token',
    schema: { seed: 'int' },
    goStruct: 'apiv1.ClusterAPIApproveWorkerCSRRequest',
    handle: (node, body) => {
      node.cluster.approveWorkerCsrs(body.seed);
      return {};
    },
  }),
  endpoint({
    path: K8SD_PATHS.snapRefresh,
    auth: 'node-token',
    schema: { channel: 'string', revision: 'string', localPath: 'string' },
    goStruct: 'apiv1.SnapRefreshRequest',
    handle: (node, body) => ({ changeId: node.cluster.startSnapRefresh(node, body) }),
  }),
  endpoint({
    path: K8SD_PATHS.snapRefreshStatus,
    auth: 'node-token',
    schema: { changeId: 'string' },
    goStruct: 'apiv1.SnapRefreshStatusRequest',
    handle: (node, body) => node.cluster.snapRefreshStatus(node, body.changeId),
  }),
];

function envelope(metadata: unknown): K8sdEnvelope {
  return { type: 'sync', status: 'Success', status_code: 200, operation: '', error_code: 0, error: '', metadata };
}

function errorEnvelope(error: K8sdError): K8sdEnvelope<null> {
  return { type: 'error', status: '', status_code: 0, operation: '', error_code: error.statusCode, error: error.message, metadata: null };
}

function header(request: FastifyRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function checkAuth(node: SimulatedNode, auth: Auth, request: FastifyRequest): void {
  if (auth === 'none') return;
  const presented = header(request, auth);
  if (presented === '') throw unauthorized(`missing header "${auth}"`);
  if (auth === CAPI_AUTH_TOKEN_HEADER) node.cluster.checkAuthToken(presented);
  if (auth === NODE_TOKEN_HEADER) node.checkNodeToken(presented);
}

/**
 * A k8sd SIMULATOR for tests and the demo — not k8sd. One process hosts many simulated nodes: each node listens on its
 * own loopback address (127.0.0.2, 127.0.0.3, ...) on the same microcluster port, as real nodes share the port on
 * different hosts, and answers the CAPI endpoints with k8sd's envelope, strict decoding and token checks.
 */
export class K8sdSimulator implements NodeHost {
  readonly requests: RequestRecord[] = [];
  private readonly clusters = new Map<string, SimulatedCluster>();
  private readonly servers = new Map<SimulatedNode, Server>();
  private readonly nodesByAddress = new Map<string, SimulatedNode>();
  private nextAddress = 2;
  private changeCounter = 0;
  private port: number;

  private constructor(
    private readonly app: FastifyInstance,
    private readonly tls: { cert: string; key: string },
    private readonly options: K8sdSimulatorOptions,
  ) {
    this.port = options.port ?? 0;
  }

  static async start(options: K8sdSimulatorOptions = {}): Promise<K8sdSimulator> {
    const ca = await createCertificateAuthority({ commonName: 'k8sd-simulator', algorithm: 'ECDSA-P256' });
    const serving = await issueCertificate({
      issuer: ca,
      commonName: 'k8sd-simulator',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      usages: ['serverAuth'],
      algorithm: 'ECDSA-P256',
    });
    const app = Fastify({ logger: false });
    const simulator = new K8sdSimulator(app, { cert: serving.certPem, key: serving.keyPem }, options);
    simulator.registerRoutes();
    await app.ready();
    return simulator;
  }

  /** The microcluster port all nodes share; known once the first node listens. */
  get microclusterPort(): number {
    return this.port;
  }

  get clock(): Clock {
    return this.options.clock ?? systemClock;
  }

  createCluster(name: string, options: { authToken?: string } = {}): SimulatedCluster {
    if (this.clusters.has(name)) throw new Error(`simulated cluster ${name} already exists`);
    const cluster = new SimulatedCluster(name, {
      clock: this.clock,
      host: this,
      snapRefreshDurationMs: this.options.snapRefreshDurationMs ?? 5000,
      nextChangeId: () => String(++this.changeCounter),
    });
    if (options.authToken !== undefined) cluster.setAuthToken(options.authToken);
    this.clusters.set(name, cluster);
    return cluster;
  }

  cluster(name: string): SimulatedCluster | undefined {
    return this.clusters.get(name);
  }

  nodeAt(address: string): SimulatedNode | undefined {
    return this.nodesByAddress.get(address);
  }

  /** `https://<address>:<port>` of a node, the URL the direct transport uses. */
  urlOf(node: SimulatedNode): string {
    return `https://${node.address}:${this.port}`;
  }

  async listen(node: SimulatedNode): Promise<string> {
    if (node.address !== '') {
      // A restarted node comes back where it was.
      await this.bind(node, node.address);
      return node.address;
    }
    for (let attempts = 0; attempts < 50; attempts++) {
      if (this.nextAddress > 254) throw new Error('k8sd simulator ran out of loopback addresses (127.0.0.2-254)');
      const address = `127.0.0.${this.nextAddress++}`;
      try {
        await this.bind(node, address);
        return address;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
    throw new Error(`k8sd simulator found no free loopback address for port ${this.port}`);
  }

  private async bind(node: SimulatedNode, address: string): Promise<void> {
    const server = createServer(this.tls, (request, response) => this.app.routing(request, response));
    server.listen(this.port, address);
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.servers.set(node, server);
    this.nodesByAddress.set(address, node);
  }

  async close(node: SimulatedNode): Promise<void> {
    const server = this.servers.get(node);
    if (!server) return;
    this.servers.delete(node);
    this.nodesByAddress.delete(node.address);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.servers.keys()].map((node) => this.close(node)));
    await this.app.close();
  }

  private registerRoutes(): void {
    const app = this.app;
    // Bodies are decoded by each endpoint with k8sd's strict rules, so the raw text is kept whatever its type.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

    app.get(K8SD_PATHS.root, (request, reply) => this.answer(request, reply, () => ['/1.0']));
    for (const definition of ROUTES) {
      app.post(definition.path, (request, reply) =>
        this.answer(request, reply, (node, signal) => {
          if (!node.member) throw unavailable('Daemon not yet initialized');
          checkAuth(node, definition.auth, request);
          if (definition.controlPlaneOnly && node.role !== 'control-plane') {
            throw new K8sdError(403, 'this action is restricted to control plane nodes');
          }
          return definition.decodeAndHandle(node, typeof request.body === 'string' ? request.body : '', signal);
        }),
      );
    }
    app.setNotFoundHandler((request, reply) =>
      this.answer(request, reply, () => {
        throw new K8sdError(404, 'not found');
      }),
    );
  }

  private async answer(
    request: FastifyRequest,
    reply: FastifyReply,
    handle: (node: SimulatedNode, signal: AbortSignal) => unknown,
  ): Promise<FastifyReply> {
    const node = this.nodesByAddress.get(request.socket.localAddress ?? '');
    if (!node) return reply.code(503).send(errorEnvelope(unavailable('no simulated node at this address')));
    // The response closing before it was written means the client went away (k8sd's request context is cancelled).
    const closed = new AbortController();
    reply.raw.on('close', () => {
      if (!reply.raw.writableFinished) closed.abort();
    });
    const path = request.url.split('?')[0] ?? request.url;
    const body = typeof request.body === 'string' ? request.body : '';
    const record = (statusCode: number) =>
      this.requests.push({
        cluster: node.cluster.name,
        node: node.name,
        method: request.method,
        path,
        host: request.headers.host ?? '',
        body,
        statusCode,
      });
    try {
      const fault = node.takeFault(path);
      if (fault?.kind === 'hang') {
        await new Promise((resolve) => closed.signal.addEventListener('abort', resolve, { once: true }));
        record(0);
        return reply;
      }
      if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.milliseconds));
      if (fault?.kind === 'error') throw new K8sdError(fault.statusCode, fault.message);
      if (fault?.kind === 'raw') {
        record(fault.statusCode);
        return reply.code(fault.statusCode).type('text/plain').send(fault.body);
      }
      const metadata = await handle(node, closed.signal);
      record(200);
      return reply.code(200).send(envelope(metadata));
    } catch (error) {
      const failure = error instanceof K8sdError ? error : new K8sdError(500, (error as Error).message);
      record(failure.statusCode);
      return reply.code(failure.statusCode).send(errorEnvelope(failure));
    }
  }
}
