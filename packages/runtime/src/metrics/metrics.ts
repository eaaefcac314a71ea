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

  readonly reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers: [this.registry],
  });
  readonly reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly terminalReconcileErrors = new Counter({
    name: 'controller_runtime_terminal_reconcile_errors_total',
    help: 'Total number of terminal reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly reconcilePanics = new Counter({
    name: 'controller_runtime_reconcile_panics_total',
    help: 'Total number of reconciliation panics per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly reconcileTimeouts = new Counter({
    name: 'controller_runtime_reconcile_timeouts_total',
    help: 'Total number of reconciliation timeouts per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers: [this.registry],
  });
  readonly maxConcurrentReconciles = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });
  readonly activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers: [this.registry],
  });

  readonly workqueueDepth = new Gauge({
    name: 'workqueue_depth',
    help: 'Current depth of workqueue',
    labelNames: ['name', 'controller', 'priority'] as const,
    registers: [this.registry],
  });
  readonly workqueueAdds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  readonly workqueueQueueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name', 'controller'] as const,
    buckets: WORKQUEUE_BUCKETS,
    registers: [this.registry],
  });
  readonly workqueueWorkDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name', 'controller'] as const,
    buckets: WORKQUEUE_BUCKETS,
    registers: [this.registry],
  });
  readonly workqueueRetries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
  });
  private readonly queues = new Map<string, QueueGaugeSource>();
  readonly workqueueUnfinishedWork: Gauge<'name' | 'controller'> = new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: 'How many seconds of work has been done that is in progress and hasn\'t been observed by work_duration',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
    collect: () => this.collectQueueGauges((queue) => queue.unfinishedWorkSeconds(), this.workqueueUnfinishedWork),
  });
  readonly workqueueLongestRunning: Gauge<'name' | 'controller'> = new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running',
    labelNames: ['name', 'controller'] as const,
    registers: [this.registry],
    collect: () => this.collectQueueGauges((queue) => queue.longestRunningProcessorSeconds(), this.workqueueLongestRunning),
  });

  readonly webhookLatency = new Histogram({
    name: 'controller_runtime_webhook_latency_seconds',
    help: 'Histogram of the latency of processing admission requests',
    labelNames: ['webhook'] as const,
    buckets: DEFAULT_BUCKETS,
    registers: [this.registry],
  });
  readonly webhookRequests = new Counter({
    name: 'controller_runtime_webhook_requests_total',
    help: 'Total number of admission requests by HTTP status code',
    labelNames: ['webhook', 'code'] as const,
    registers: [this.registry],
  });
  readonly webhookInFlight = new Gauge({
    name: 'controller_runtime_webhook_requests_in_flight',
    help: 'Current number of admission requests being served',
    labelNames: ['webhook'] as const,
    registers: [this.registry],
  });
  readonly webhookPanics = new Counter({
    name: 'controller_runtime_webhook_panics_total',
    help: 'Total number of webhook panics',
    registers: [this.registry],
  });

  readonly restClientRequests = new Counter({
    name: 'rest_client_requests_total',
    help: 'Number of HTTP requests, partitioned by status code, method, and host',
    labelNames: ['code', 'method', 'host'] as const,
    registers: [this.registry],
  });
  readonly restClientRequestDuration = new Histogram({
    name: 'rest_client_request_duration_seconds',
    help: 'Request latency in seconds. Broken down by verb, and host',
    labelNames: ['verb', 'host'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60],
    registers: [this.registry],
  });

  readonly leaderElectionMasterStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'] as const,
    registers: [this.registry],
  });

  readonly certwatcherReads = new Counter({
    name: 'certwatcher_read_certificate_total',
    help: 'Total number of certificate reads',
    registers: [this.registry],
  });
  readonly certwatcherReadErrors = new Counter({
    name: 'certwatcher_read_certificate_errors_total',
    help: 'Total number of certificate read errors',
    registers: [this.registry],
  });

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

  private collectQueueGauges(read: (queue: QueueGaugeSource) => number, gauge: Gauge<'name' | 'controller'>): void {
    for (const [controller, queue] of this.queues) gauge.set({ name: controller, controller }, read(queue));
  }
}
