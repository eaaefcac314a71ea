import { parseProviderFlags, splitArguments } from './flags';

describe('parseProviderFlags', () => {
  it('accepts the arguments the chart renders (self-managed certificates)', () => {
    const flags = parseProviderFlags(
      [
        '--leader-elect',
        '--leader-election-id=6b2b21b1.k8s.io',
        '--metrics-bind-address=:8443',
        '--health-probe-bind-address=:9440',
        '--webhook-port=9443',
        '--webhook-cert-dir=/tmp/k8s-webhook-server/serving-certs',
        '--webhook-cert-mode=self-managed',
        '--webhook-cert-secret=cabpck-bootstrap-webhook-service-cert',
        '--webhook-service=cabpck-bootstrap-webhook-service',
        '--mutating-webhook-configuration=cabpck-bootstrap-mutating-webhook-configuration',
        '--validating-webhook-configuration=cabpck-bootstrap-validating-webhook-configuration',
        '--log-level=debug',
        '--namespace=team-a',
        '--watch-filter=mine',
      ],
      {},
    );
    expect(flags).toMatchObject({
      leaderElectionId: '6b2b21b1.k8s.io',
      webhookCertMode: 'self-managed',
      webhookCertSecret: 'cabpck-bootstrap-webhook-service-cert',
      webhookService: 'cabpck-bootstrap-webhook-service',
      metricsInsecure: false,
      k8sdRoute: 'port-forward',
      k8sdTimeoutMs: 60_000,
      webhooks: true,
      manager: { leaderElect: true, metricsBindAddress: ':8443', webhookPort: 9443, logLevel: 'debug', namespace: 'team-a', watchFilter: 'mine' },
    });
  });

  it('reads the k8sd options, a kubeconfig and ENABLE_WEBHOOKS=false', () => {
    const flags = parseProviderFlags(['--k8sd-route', 'direct', '--k8sd-dial-timeout-duration=5s', '--metrics-insecure'], { KUBECONFIG: '/k', ENABLE_WEBHOOKS: 'false' });
    expect(flags).toMatchObject({ k8sdRoute: 'direct', k8sdTimeoutMs: 5000, metricsInsecure: true, kubeconfig: '/k', webhooks: false });
  });

  it.each([
    [['--k8sd-route=ssh'], '--k8sd-route must be one of port-forward, direct (got "ssh")'],
    [['--webhook-cert-mode=self-managed'], '--webhook-cert-secret is required with --webhook-cert-mode=self-managed'],
    [['--webhook-cert-secret'], '--webhook-cert-secret needs a value'],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseProviderFlags(argv, {})).toThrow(message);
  });
});

describe('splitArguments', () => {
  it('leaves the runtime flags in order for the runtime parser', () => {
    expect(splitArguments(['--leader-elect', '--kubeconfig', '/k', '--sync-period=1m']).rest).toEqual(['--leader-elect', '--sync-period=1m']);
  });
});
