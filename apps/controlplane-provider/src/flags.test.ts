import { parseProviderFlags } from './flags';

describe('provider flags', () => {
  it('take the chart arguments', () => {
    const flags = parseProviderFlags(
      ['--leader-elect', '--leader-election-id=148fa072.controlplane.cluster.x-k8s.io', '--metrics-bind-address=:8443', '--metrics-insecure', '--health-probe-bind-address=:9440', '--webhook-port=9443', '--webhook-cert-mode=self-managed', '--webhook-cert-secret=s', '--webhook-service=svc', '--k8sd-route=direct', '--k8sd-dial-timeout-duration=15s', '--log-level=debug'],
      {},
    );
    expect(flags).toMatchObject({ leaderElectionId: '148fa072.controlplane.cluster.x-k8s.io', metricsInsecure: true, webhookCertMode: 'self-managed', webhookService: 'svc', k8sdRoute: 'direct', k8sdTimeoutMs: 15_000, webhooks: true });
    expect(flags.manager.leaderElect).toBe(true);
  });

  it('default to upstream CACPCK: port-forward to k8sd, 60s timeout, its leader election id', () => {
    expect(parseProviderFlags([], { ENABLE_WEBHOOKS: 'false' })).toMatchObject({ k8sdRoute: 'port-forward', k8sdTimeoutMs: 60_000, leaderElectionId: '148fa072.controlplane.cluster.x-k8s.io', webhooks: false });
  });

  it.each([
    [['--k8sd-route=tunnel'], /--k8sd-route must be one of port-forward, direct/],
    [['--webhook-cert-mode=self-managed'], /--webhook-cert-secret is required/],
    [['--bogus'], /bogus/],
  ])('reject %j', (argv, message) => {
    expect(() => parseProviderFlags(argv, {})).toThrow(message);
  });
});
