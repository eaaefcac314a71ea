import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { type Clock, realClock, type Timer } from '../clock';
import { ObjectClient } from '../client/object-client';
import { RestClient } from '../client/rest-client';
import { ControllerBuilder } from '../controller/builder';
import type { Controller } from '../controller/controller';
import { hasWatchFilterLabel } from '../controller/predicates';
import { EventRecorder } from '../events';
import { DEFAULT_FLAGS, type ManagerFlags, parseBindAddress } from '../flags';
import { Cache } from '../informer/cache';
import type { InformerOptions } from '../informer/informer';
import { type ListWatchTransport, RestListWatch, type Selection } from '../informer/list-watch';
import { LeaderElector } from '../leader/leader-election';
import { createLogger } from '../logging';
import { RuntimeMetrics } from '../metrics/metrics';
import { kindId, type KindRef, type KubeObject } from '../objects';
import { CertWatcher, type ServingCertificate } from '../webhook/cert-watcher';
import { type SelfManagedCertificateOptions, SelfManagedCertificates } from '../webhook/self-managed-certificates';
import { WebhookServer } from '../webhook/server';
import { ConnectionDrain } from '../connection-drain';
import { type Check, type Listener, metricsServer, probeServer } from './http-endpoints';
import { MetricsAuthorizer, secureMetricsServer, selfSignedServingCertificate } from './secure-metrics';

export interface ManagerOptions {
  /** Names the process: field manager, event source, lease name prefix. */
  name: string;
  kubeConfig: KubeConfig;
  flags?: Partial<ManagerFlags>;
  logger?: Logger;
  clock?: Clock;
  /** Namespace of the leader-election Lease; defaults to $POD_NAMESPACE, then "default". */
  leaderElectionNamespace?: string;
  leaderElectionId?: string;
  /** Unique per replica; defaults to hostname plus a random suffix, as controller-runtime does. */
  identity?: string;
  leaseTiming?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  /** Narrow what is cached per kind (e.g. Secrets by label) so memory stays small. */
  cacheSelectors?: readonly { kind: KindRef; selection: Omit<Selection, 'namespace'> }[];
  informerTuning?: Pick<InformerOptions<KubeObject>, 'backoff' | 'watchTimeoutSeconds' | 'inactivityTimeoutMs' | 'pageSize'>;
  /** Listen address for webhooks; all interfaces by default. */
  webhookHost?: string;
  /** Issue the webhook certificate into a Secret and inject the CA, instead of reading --webhook-cert-dir. */
  selfManagedCertificates?: SelfManagedCertificateOptions;
  /**
   * Serve /metrics over HTTPS to callers whose bearer token passes a TokenReview and who may `get` /metrics
   * (SubjectAccessReview), as CAPI providers do; the certificate comes from `certDir` (tls.crt, tls.key) or is
   * generated self-signed. Without this option /metrics is plain HTTP.
   */
  secureMetrics?: { certDir?: string };
  /** Replaces the REST list/watch, e.g. to inject faults in front of a real apiserver in tests. */
  transport?: ListWatchTransport;
}

type Phase = 'new' | 'starting' | 'running' | 'stopping' | 'stopped';

const CERTIFICATE_RECHECK_MS = 12 * 60 * 60 * 1000;

/**
 * Owns every long-running part of a provider process and starts them in controller-runtime's order: HTTP
 * endpoints, webhooks (on every replica), caches, then — once caches have synced and, with --leader-elect, this
 * replica leads — the controllers. Apps only declare controllers and webhooks on it; nothing runs before `start`.
 */
export class Manager {
  readonly flags: ManagerFlags;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly metrics = new RuntimeMetrics();
  readonly rest: RestClient;
  readonly client: ObjectClient;
  readonly cache: Cache;
  readonly webhooks: WebhookServer;
  readonly identity: string;
  private readonly options: ManagerOptions;
  private readonly controllers: Controller[] = [];
  private readonly liveness = new Map<string, Check>([['ping', () => true]]);
  private readonly readiness = new Map<string, Check>([['ping', () => true]]);
  private readonly servers: { listener: Listener; drain: ConnectionDrain }[] = [];
  private readonly abort = new AbortController();
  private certWatcher: CertWatcher | undefined;
  private renewalTimer: Timer | undefined;
  private metricsCertWatcher: CertWatcher | undefined;
  private elector: LeaderElector | undefined;
  private phase: Phase = 'new';
  private controllersRunning = false;
  private background: Promise<void> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly leadershipWaiters: (() => void)[] = [];
  private settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Resolves after a clean `stop`; rejects when leadership is lost or the controllers cannot start. */
  readonly done: Promise<void>;

  constructor(options: ManagerOptions) {
    this.options = options;
    this.flags = { ...DEFAULT_FLAGS, ...options.flags };
    this.logger = options.logger ?? createLogger({ level: this.flags.logLevel, name: options.name });
    this.clock = options.clock ?? realClock;
    this.identity = options.identity ?? `${hostname()}_${randomUUID()}`;
    this.rest = new RestClient(options.kubeConfig, this.metrics.restObserver());
    this.client = new ObjectClient(this.rest, options.name);
    this.cache = new Cache({
      transport: options.transport ?? new RestListWatch(this.rest),
      resources: this.client.resources,
      logger: this.logger,
      clock: this.clock,
      ...(this.flags.namespace ? { namespace: this.flags.namespace } : {}),
      selectors: new Map((options.cacheSelectors ?? []).map(({ kind, selection }) => [kindId(kind), selection])),
      ...(options.informerTuning ? { informerTuning: options.informerTuning } : {}),
    });
    this.webhooks = new WebhookServer({
      port: this.flags.webhookPort,
      ...(options.webhookHost ? { host: options.webhookHost } : {}),
      logger: this.logger.child({ component: 'webhook' }),
      metrics: this.metrics,
    });
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Callers that never await `done` must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  /** Starts declaring a controller; finish with `.complete(reconciler)`. */
  controller(name: string): ControllerBuilder {
    if (this.phase !== 'new') throw new Error(`controller ${name} declared after the manager started`);
    return new ControllerBuilder(name, {
      cache: this.cache,
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      defaultConcurrency: this.flags.concurrency,
      syncPeriodMs: this.flags.syncPeriodMs,
      globalPredicates: [hasWatchFilterLabel(this.flags.watchFilter)],
      register: (controller) => this.controllers.push(controller),
    });
  }

  eventRecorder(component = this.options.name): EventRecorder {
    return new EventRecorder(this.client, component, this.clock, this.logger.child({ component: 'events' }));
  }

  addHealthCheck(name: string, check: Check): void {
    this.liveness.set(name, check);
  }

  addReadyCheck(name: string, check: Check): void {
    this.readiness.set(name, check);
  }

  isLeader(): boolean {
    return this.elector ? this.elector.isLeader() : this.controllersRunning;
  }

  /** Resolves once this replica's controllers run (at once without leader election). */
  waitForLeadership(): Promise<void> {
    if (this.controllersRunning) return Promise.resolve();
    return new Promise((resolve) => this.leadershipWaiters.push(resolve));
  }

  /** Starts servers and caches and returns; controllers follow once caches sync and leadership is won. */
  start(): Promise<void> {
    if (this.phase !== 'new') throw new Error('a manager starts once');
    this.phase = 'starting';
    this.starting = this.startParts();
    return this.starting;
  }

  private async startParts(): Promise<void> {
    this.readiness.set('informers', () => this.cache.hasSynced());
    await this.startEndpoints();
    if (this.webhooks.paths().length > 0) {
      await this.webhooks.start(await this.servingCertificate());
      this.readiness.set('webhook', () => this.webhooks.isServing());
    }
    this.cache.start();
    this.phase = 'running';
    this.background = this.runControllers().catch((error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error))));
  }

  /** Drains reconciles, releases the lease, and stops webhooks, caches and servers, in that order. */
  stop(): Promise<void> {
    this.stopping ??= this.stopParts();
    return this.stopping;
  }

  private async stopParts(): Promise<void> {
    // A SIGTERM can arrive while starting: let the start finish (or fail) so that everything it opened is closed.
    await this.starting?.catch(() => undefined);
    this.phase = 'stopping';
    this.abort.abort();
    await this.background;
    await Promise.all(this.controllers.map((controller) => controller.stop()));
    this.controllersRunning = false;
    await this.elector?.release();
    this.certWatcher?.stop();
    this.renewalTimer?.cancel();
    this.metricsCertWatcher?.stop();
    await this.webhooks.stop();
    await this.cache.stop();
    await Promise.all(this.servers.map(({ listener, drain }) => drain.close(() => listener.close())));
    await this.rest.close();
    this.phase = 'stopped';
    this.logger.info('manager stopped');
    this.settle?.resolve();
  }

  private async runControllers(): Promise<void> {
    const signal = this.abort.signal;
    if (!(await this.cache.waitForSync(signal))) return;
    this.logger.info({ controllers: this.controllers.map((controller) => controller.name) }, 'caches synced');
    if (this.flags.leaderElect) {
      this.elector = this.createElector();
      if (!(await this.elector.acquire(signal))) return;
    }
    if (signal.aborted) return;
    this.controllersRunning = true;
    // Waiters hear about leadership before the first reconcile can run.
    for (const resolve of this.leadershipWaiters.splice(0)) resolve();
    for (const controller of this.controllers) controller.start();
    if (this.elector && !(await this.elector.holdUntil(signal))) {
      // As controller-runtime: a replica that lost its lease must stop reconciling at once and exit.
      this.controllersRunning = false;
      throw new Error('leader election lost');
    }
  }

  private createElector(): LeaderElector {
    const name = this.options.leaderElectionId ?? `${this.options.name}-leader-election`;
    return new LeaderElector({
      rest: this.rest,
      namespace: this.options.leaderElectionNamespace ?? process.env['POD_NAMESPACE'] ?? 'default',
      name,
      identity: this.identity,
      logger: this.logger.child({ component: 'leader-election' }),
      clock: this.clock,
      ...this.options.leaseTiming,
      onLeadershipChange: (leading) => this.metrics.leaderElectionMasterStatus.set({ name }, leading ? 1 : 0),
    });
  }

  private async servingCertificate(): Promise<ServingCertificate> {
    const selfManaged = this.options.selfManagedCertificates;
    if (selfManaged) {
      const certificates = new SelfManagedCertificates(this.client, selfManaged, this.clock, this.logger.child({ component: 'certificates' }));
      const issued = await certificates.ensure();
      await certificates.injectCaBundle(issued.caPem);
      this.scheduleRenewal(certificates, issued.certPem);
      return issued;
    }
    this.certWatcher = new CertWatcher({
      certDir: this.flags.webhookCertDir,
      clock: this.clock,
      logger: this.logger.child({ component: 'certwatcher' }),
      onRead: (ok) => (ok ? this.metrics.certwatcherReads.inc() : this.metrics.certwatcherReadErrors.inc()),
    });
    const certificate = await this.certWatcher.start();
    this.certWatcher.onChange((next) => this.webhooks.useCertificate(next));
    return certificate;
  }

  /** Self-managed certificates are re-checked twice a day, so a long-running process renews before expiry. */
  private scheduleRenewal(certificates: SelfManagedCertificates, servingPem: string): void {
    this.renewalTimer = this.clock.setTimer(() => {
      void certificates
        .ensure()
        .then(async (current) => {
          if (current.certPem !== servingPem) {
            this.webhooks.useCertificate(current);
            await certificates.injectCaBundle(current.caPem);
          }
          this.scheduleRenewal(certificates, current.certPem);
        })
        .catch((error: unknown) => {
          this.logger.error({ err: error }, 'webhook certificate renewal failed; retrying later');
          this.scheduleRenewal(certificates, servingPem);
        });
    }, CERTIFICATE_RECHECK_MS);
  }

  private async startEndpoints(): Promise<void> {
    const probes = parseBindAddress('health-probe-bind-address', this.flags.healthProbeBindAddress);
    const metrics = parseBindAddress('metrics-bind-address', this.flags.metricsBindAddress);
    if (probes) await this.listen(probeServer(this.liveness, this.readiness), probes);
    if (metrics) await this.listen(await this.metricsServer(), metrics);
  }

  private async metricsServer(): Promise<Listener> {
    const secure = this.options.secureMetrics;
    if (!secure) return metricsServer(this.metrics.registry);
    if (!secure.certDir) return secureMetricsServer(this.metrics.registry, await selfSignedServingCertificate(), new MetricsAuthorizer(this.rest, this.clock));
    const watcher = new CertWatcher({ certDir: secure.certDir, clock: this.clock, logger: this.logger.child({ component: 'metrics-certs' }) });
    this.metricsCertWatcher = watcher;
    const server = secureMetricsServer(this.metrics.registry, await watcher.start(), new MetricsAuthorizer(this.rest, this.clock));
    watcher.onChange((certificate) => server.useCertificate(certificate));
    return server;
  }

  private async listen(server: Listener, address: { host: string; port: number }): Promise<void> {
    const drain = new ConnectionDrain(server.server);
    await server.listen(address);
    this.servers.push({ listener: server, drain });
  }

  /** Bound ports of the probe and metrics servers (in that order, skipping disabled ones), for tests with port 0. */
  endpointPorts(): number[] {
    return this.servers.map(({ listener }) => {
      const address = listener.server.address();
      return typeof address === 'object' && address ? address.port : 0;
    });
  }

  private fail(error: Error): void {
    this.logger.error({ err: error }, 'manager failed');
    this.abort.abort();
    for (const controller of this.controllers) void controller.stop();
    this.settle?.reject(error);
  }
}
