import { parseProviderFlags } from './flags';

// The shared provider flags are tested in the runtime and k8sd's in k8sd; these prove the composition.
describe('provider flags', () => {
  it('default to upstream CACPCK: its leader election id, port-forward to k8sd within 60 s', () => {
    expect(parseProviderFlags([], {})).toMatchObject({ leaderElectionId: '148fa072.controlplane.cluster.x-k8s.io', k8sdRoute: 'port-forward', k8sdTimeoutMs: 60_000, webhooks: true });
  });

  it('read the chart\'s provider arguments, the k8sd options and ENABLE_WEBHOOKS=false together', () => {
    const flags = parseProviderFlags(
      ['--leader-elect', '--metrics-insecure', '--webhook-cert-mode=self-managed', '--webhook-cert-secret=s', '--webhook-service=svc', '--k8sd-route=direct', '--k8sd-dial-timeout-duration=15s'],
      { ENABLE_WEBHOOKS: 'false' },
    );
    expect(flags).toMatchObject({ metricsInsecure: true, webhookCertMode: 'self-managed', webhookService: 'svc', k8sdRoute: 'direct', k8sdTimeoutMs: 15_000, webhooks: false, manager: { leaderElect: true } });
  });

  it.each([
    [['--k8sd-route=tunnel'], '--k8sd-route must be one of port-forward, direct (got "tunnel")'],
    [['--k8sd-dial-timeout-duration=soon'], 'duration "soon" must look like'],
    [['--bogus'], "Unknown option '--bogus'"],
  ])('reject %j', (argv, message) => {
    expect(() => parseProviderFlags(argv, {})).toThrow(message);
  });
});
