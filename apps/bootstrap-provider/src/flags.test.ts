import { parseProviderFlags } from './flags';

// The shared provider flags are tested in the runtime and k8sd's in k8sd; these prove the composition.
describe('parseProviderFlags', () => {
  it('defaults to upstream CABPCK: its leader election id, port-forward to k8sd within 60 s', () => {
    expect(parseProviderFlags([], {})).toMatchObject({ leaderElectionId: '6b2b21b1.k8s.io', k8sdRoute: 'port-forward', k8sdTimeoutMs: 60_000, webhooks: true });
  });

  it('reads the chart\'s provider arguments, the k8sd options, a kubeconfig and ENABLE_WEBHOOKS=false together', () => {
    const flags = parseProviderFlags(
      ['--leader-elect', '--webhook-cert-mode=self-managed', '--webhook-cert-secret=s', '--webhook-service=svc', '--k8sd-route', 'direct', '--k8sd-dial-timeout-duration=5s', '--metrics-insecure'],
      { KUBECONFIG: '/k', ENABLE_WEBHOOKS: 'false' },
    );
    expect(flags).toMatchObject({ webhookCertMode: 'self-managed', k8sdRoute: 'direct', k8sdTimeoutMs: 5000, metricsInsecure: true, kubeconfig: '/k', webhooks: false, manager: { leaderElect: true } });
  });

  it.each([
    [['--k8sd-route=ssh'], '--k8sd-route must be one of port-forward, direct (got "ssh")'],
    [['--k8sd-dial-timeout-duration=soon'], 'duration "soon" must look like'],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseProviderFlags(argv, {})).toThrow(message);
  });
});
