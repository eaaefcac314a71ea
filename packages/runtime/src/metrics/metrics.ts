import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RestObserver } from '../client/rest-client';
import type { WorkQueueObserver } from '../queue/work-queue';

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';
const RESULT_LABELS: readonly ReconcileResultLabel[] = ['success', 'error', 'requeue', 'requeue_after'];

/** controller-runtime's reconcile_time_seconds buckets. */
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0,
  3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
/** client-go's workqueue buckets: ExponentialBuckets(1e-8, 10, 12). */
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
/** Prometheus client_golang DefBuckets, used by controller-runtime for webhook latency. */
const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface QueueGaugeSource {
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

/**
 * Every metric the runtime exports, under controller-runtime's names and labels so that CAPI's Grafana dashboards
 * work unchanged, plus prom-client's process and Node.js defaults. One registry per manager (not the global one),
 * so several managers can live in one test process.
 */
export class RuntimeMetrics {
  readonly registry = new Registry();

  readonly reconcileTotal = this.counter('controller_runtime_reconcile_total', 'Total number of reconciliations per controller', ['controller', 'result']);
  readonly reconcileErrors = this.counter('controller_runtime_reconcile_errors_total', 'Total number of reconciliation errors per controller', ['controller']);
  readonly terminalReconcileErrors = this.counter(
    'controller_runtime_terminal_reconcile_errors_total',
    'Total number of terminal reconciliation errors per controller',
    ['controller'],
  );
  readonly reconcilePanics = this.counter('controller_runtime_reconcile_panics_total', 'Total number of reconciliation panics per controller', ['controller']);
  readonly reconcileTimeouts = this.counter('controller_runtime_reconcile_timeouts_total', 'Total number of reconciliation timeouts per controller', ['controller']);
  readonly reconcileTime = this.histogram('controller_runtime_reconcile_time_seconds', 'Length of time per reconciliation per controller', ['controller'], RECONCILE_BUCKETS);
  readonly maxConcurrentReconciles = this.gauge('controller_runtime_max_concurrent_reconciles', 'Maximum number of concurrent reconciles per controller', ['controller']);
  readonly activeWorkers = this.gauge('controller_runtime_active_workers', 'Number of currently used workers per controller', ['controller']);

  readonly workqueueDepth = this.gauge('workqueue_depth', 'Current depth of workqueue', ['name', 'controller', 'priority']);
  readonly workqueueAdds = this.counter('workqueue_adds_total', 'Total number of adds handled by workqueue', ['name', 'controller']);
  readonly workqueueQueueDuration = this.histogram(
    'workqueue_queue_duration_seconds',
    'How long in seconds an item stays in workqueue before being requested',
    ['name', 'controller'],
    WORKQUEUE_BUCKETS,
  );
  readonly workqueueWorkDuration = this.histogram(
    'workqueue_work_duration_seconds',
    'How long in seconds processing an item from workqueue takes',
    ['name', 'controller'],
    WORKQUEUE_BUCKETS,
  );
  readonly workqueueRetries = this.counter('workqueue_retries_total', 'Total number of retries handled by workqueue', ['name', 'controller']);
  private readonly queues = new Map<string, QueueGaugeSource>();
  readonly workqueueUnfinishedWork: Gauge<'name' | 'controller'> = this.gauge(
    'workqueue_unfinished_work_seconds',
    "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
    ['name', 'controller'],
    () => this.collectQueueGauges((queue) => queue.unfinishedWorkSeconds(), this.workqueueUnfinishedWork),
  );
  readonly workqueueLongestRunning: Gauge<'name' | 'controller'> = this.gauge(
    'workqueue_longest_running_processor_seconds',
    'How many seconds has the longest running processor for workqueue been running',
    ['name', 'controller'],
    () => this.collectQueueGauges((queue) => queue.longestRunningProcessorSeconds(), this.workqueueLongestRunning),
  );

  readonly webhookLatency = this.histogram('controller_runtime_webhook_latency_seconds', 'Histogram of the latency of processing admission requests', ['webhook'], DEFAULT_BUCKETS);
  readonly webhookRequests = this.counter('controller_runtime_webhook_requests_total', 'Total number of admission requests by HTTP status code', ['webhook', 'code']);
  readonly webhookInFlight = this.gauge('controller_runtime_webhook_requests_in_flight', 'Current number of admission requests being served', ['webhook']);
  readonly webhookPanics = this.counter('controller_runtime_webhook_panics_total', 'Total number of webhook panics', []);

  readonly restClientRequests = this.counter('rest_client_requests_total', 'Number of HTTP requests, partitioned by status code, method, and host', ['code', 'method', 'host']);
  readonly restClientRequestDuration = this.histogram(
    'rest_client_request_duration_seconds',
    'Request latency in seconds. Broken down by verb, and host',
    ['verb', 'host'],
    [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
  );

  readonly leaderElectionMasterStatus = this.gauge(
    'leader_election_master_status',
    'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    ['name'],
  );

  readonly certwatcherReads = this.counter('certwatcher_read_certificate_total', 'Total number of certificate reads', []);
  readonly certwatcherReadErrors = this.counter('certwatcher_read_certificate_errors_total', 'Total number of certificate read errors', []);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Pre-initialises a controller's series, as controller-runtime does, so dashboards show zeros rather than gaps. */
  registerController(controller: string, maxConcurrentReconciles: number): void {
    for (const result of RESULT_LABELS) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    this.terminalReconcileErrors.inc({ controller }, 0);
    this.reconcilePanics.inc({ controller }, 0);
    this.maxConcurrentReconciles.set({ controller }, maxConcurrentReconciles);
    this.activeWorkers.set({ controller }, 0);
  }

  /** The observer that feeds a controller's work queue into workqueue_*; `name` is the controller name, as in CAPI. */
  workQueueObserver(controller: string): WorkQueueObserver {
    const labels = { name: controller, controller };
    this.workqueueDepth.set({ ...labels, priority: '' }, 0);
    this.workqueueAdds.inc(labels, 0);
    this.workqueueRetries.inc(labels, 0);
    return {
      added: () => this.workqueueAdds.inc(labels),
      depth: (length) => this.workqueueDepth.set({ ...labels, priority: '' }, length),
      waited: (seconds) => this.workqueueQueueDuration.observe(labels, seconds),
      worked: (seconds) => this.workqueueWorkDuration.observe(labels, seconds),
      retried: () => this.workqueueRetries.inc(labels),
    };
  }

  /** Lets the in-progress gauges read the queue at scrape time. */
  trackQueue(controller: string, queue: QueueGaugeSource): void {
    this.queues.set(controller, queue);
  }

  restObserver(): RestObserver {
    return {
      completed: ({ method, host, code, seconds }) => {
        this.restClientRequests.inc({ code, method, host });
        this.restClientRequestDuration.observe({ verb: method, host }, seconds);
      },
    };
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: () => void): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  private collectQueueGauges(read: (queue: QueueGaugeSource) => number, gauge: Gauge<'name' | 'controller'>): void {
    for (const [controller, queue] of this.queues) gauge.set({ name: controller, controller }, read(queue));
  }
}
