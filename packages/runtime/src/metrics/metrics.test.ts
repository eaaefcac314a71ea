import { RuntimeMetrics } from './metrics';

/**
 * Names and labels from the controller-runtime metric table in the shared reference
 * (typescript-ecosystem.md §7, read from controller-runtime @ 86a0d40). Dashboards query exactly these.
 */
const REFERENCE: readonly [string, readonly string[]][] = [
  ['controller_runtime_reconcile_total', ['controller', 'result']],
  ['controller_runtime_reconcile_errors_total', ['controller']],
  ['controller_runtime_terminal_reconcile_errors_total', ['controller']],
  ['controller_runtime_reconcile_panics_total', ['controller']],
  ['controller_runtime_reconcile_time_seconds', ['controller']],
  ['controller_runtime_reconcile_timeouts_total', ['controller']],
  ['controller_runtime_max_concurrent_reconciles', ['controller']],
  ['controller_runtime_active_workers', ['controller']],
  ['workqueue_depth', ['name', 'controller', 'priority']],
  ['workqueue_adds_total', ['name', 'controller']],
  ['workqueue_queue_duration_seconds', ['name', 'controller']],
  ['workqueue_work_duration_seconds', ['name', 'controller']],
  ['workqueue_unfinished_work_seconds', ['name', 'controller']],
  ['workqueue_longest_running_processor_seconds', ['name', 'controller']],
  ['workqueue_retries_total', ['name', 'controller']],
  ['controller_runtime_webhook_latency_seconds', ['webhook']],
  ['controller_runtime_webhook_requests_total', ['webhook', 'code']],
  ['controller_runtime_webhook_requests_in_flight', ['webhook']],
  ['controller_runtime_webhook_panics_total', []],
  ['rest_client_requests_total', ['code', 'method', 'host']],
  ['rest_client_request_duration_seconds', ['verb', 'host']],
  ['leader_election_master_status', ['name']],
  ['certwatcher_read_certificate_total', []],
  ['certwatcher_read_certificate_errors_total', []],
];

describe('metric names', () => {
  it.each(REFERENCE)('exports %s with labels %j', (name, labels) => {
    const metric = new RuntimeMetrics().registry.getSingleMetric(name) as unknown as { labelNames: string[] } | undefined;
    expect(metric).toBeDefined();
    expect([...(metric?.labelNames ?? [])].sort()).toEqual([...labels].sort());
  });

  it('includes process and Node.js default metrics', async () => {
    const names = (await new RuntimeMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds']));
  });

  it('pre-initialises reconcile_total for every result of a registered controller', async () => {
    const metrics = new RuntimeMetrics();
    metrics.registerController('ck8sconfig', 10);
    const values = (await metrics.reconcileTotal.get()).values;
    expect(values.map((value) => value.labels['result']).sort()).toEqual(['error', 'requeue', 'requeue_after', 'success']);
  });
});
