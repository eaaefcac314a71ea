import { parseProviderFlags } from './flags';

const options = { defaultLeaderElectionId: 'provider.example.io', env: {} };

describe('parseProviderFlags', () => {
  it('accepts the arguments the chart renders (self-managed certificates)', () => {
    const flags = parseProviderFlags(
      [
        '--leader-elect',
        '--leader-election-id=6b2b21b1.k8s.io',
        '--metrics-bind-address=:8443',
        '--webhook-port=9443',
        '--webhook-cert-mode=self-managed',
        '--webhook-cert-secret=cabpck-bootstrap-webhook-service-cert',
        '--webhook-service=cabpck-bootstrap-webhook-service',
        '--mutating-webhook-configuration=cabpck-bootstrap-mutating-webhook-configuration',
        '--validating-webhook-configuration=cabpck-bootstrap-validating-webhook-configuration',
        '--log-level=debug',
        '--namespace=team-a',
      ],
      options,
    );
    expect(flags.manager).toMatchObject({ leaderElect: true, metricsBindAddress: ':8443', webhookPort: 9443, logLevel: 'debug', namespace: 'team-a' });
    expect({ ...flags, manager: undefined }).toEqual({
      manager: undefined,
      kubeconfig: undefined,
      leaderElectionId: '6b2b21b1.k8s.io',
      metricsInsecure: false,
      webhookCertMode: 'self-managed',
      webhookCertSecret: 'cabpck-bootstrap-webhook-service-cert',
      webhookService: 'cabpck-bootstrap-webhook-service',
      mutatingWebhookConfiguration: 'cabpck-bootstrap-mutating-webhook-configuration',
      validatingWebhookConfiguration: 'cabpck-bootstrap-validating-webhook-configuration',
      webhooks: true,
      extra: {},
    });
  });

  it('defaults to cert-manager certificates, secure metrics and the provider\'s own Lease name', () => {
    expect(parseProviderFlags([], options)).toMatchObject({ leaderElectionId: 'provider.example.io', webhookCertMode: 'cert-manager', metricsInsecure: false, webhooks: true });
  });

  it('reads KUBECONFIG and ENABLE_WEBHOOKS=false from the environment; --kubeconfig wins', () => {
    const env = { KUBECONFIG: '/from-env', ENABLE_WEBHOOKS: 'false' };
    expect(parseProviderFlags([], { ...options, env })).toMatchObject({ kubeconfig: '/from-env', webhooks: false });
    expect(parseProviderFlags(['--kubeconfig', '/from-flag'], { ...options, env })).toMatchObject({ kubeconfig: '/from-flag' });
  });

  it.each([
    [['--metrics-insecure'], true],
    [['--metrics-insecure=true'], true],
    [['--metrics-insecure=false'], false],
    [['--metrics-insecure', '--metrics-insecure=false'], false],
  ])('takes booleans the Go way: %j', (argv, insecure) => {
    expect(parseProviderFlags(argv, options).metricsInsecure).toBe(insecure);
  });

  it('returns the flags of composed parsers in extra, and only those', () => {
    const flags = parseProviderFlags(['--k8sd-route=direct', '--leader-elect'], { ...options, extraOptions: { 'k8sd-route': { type: 'string' } } });
    expect(flags.extra).toEqual({ 'k8sd-route': 'direct' });
  });

  it.each([
    [['--webhook-cert-mode=manual'], '--webhook-cert-mode must be one of cert-manager, self-managed (got "manual")'],
    [['--webhook-cert-mode=self-managed'], '--webhook-cert-secret is required with --webhook-cert-mode=self-managed'],
    [['--webhook-cert-mode=self-managed', '--webhook-cert-secret=s'], '--webhook-service is required with --webhook-cert-mode=self-managed'],
    [['--metrics-insecure=yes'], '--metrics-insecure must be true or false (got "yes")'],
    [['--webhook-cert-secret'], "Option '--webhook-cert-secret <value>' argument missing"],
    [['--no-such-flag'], "Unknown option '--no-such-flag'"],
  ])('rejects %j', (argv, message) => {
    expect(() => parseProviderFlags(argv, options)).toThrow(message);
  });
});
