import { parseProviderFlags } from './flags';
import { providerManagerOptions, runProvider } from './run';

const parse = (argv: readonly string[]) => parseProviderFlags(argv, { defaultLeaderElectionId: 'lease.example.io', env: {} });

describe('providerManagerOptions', () => {
  it('serves metrics over HTTPS with the webhook certificate folder in cert-manager mode', () => {
    const flags = parse(['--webhook-cert-dir=/certs']);
    expect(providerManagerOptions('p', flags, 'capi-system')).toEqual({
      name: 'p',
      flags: flags.manager,
      leaderElectionId: 'lease.example.io',
      leaderElectionNamespace: 'capi-system',
      secureMetrics: { certDir: '/certs' },
    });
  });

  it('issues the webhook certificate into the named Secret in self-managed mode, and one of its own for metrics', () => {
    const flags = parse(['--webhook-cert-mode=self-managed', '--webhook-cert-secret=cert', '--webhook-service=svc', '--validating-webhook-configuration=v']);
    expect(providerManagerOptions('p', flags, 'ns')).toMatchObject({
      selfManagedCertificates: {
        secret: { namespace: 'ns', name: 'cert' },
        service: { namespace: 'ns', name: 'svc' },
        mutatingWebhookConfigurations: [],
        validatingWebhookConfigurations: ['v'],
      },
      secureMetrics: {},
    });
  });

  it('leaves metrics plain with --metrics-insecure', () => {
    expect(providerManagerOptions('p', parse(['--metrics-insecure']), 'ns')).not.toHaveProperty('secureMetrics');
  });
});

describe('runProvider', () => {
  it('prints one line naming the provider and exits 1 when the command line is wrong, before touching anything', async () => {
    const lines: string[] = [];
    const codes: number[] = [];
    let setUp = false;
    await runProvider(
      {
        name: 'test-manager',
        parseFlags: parse,
        setup: () => {
          setUp = true;
        },
      },
      { argv: ['--webhook-cert-mode=manual'], env: {}, exit: (code) => codes.push(code), stderr: (line) => lines.push(line) },
    );
    expect({ lines, codes, setUp }).toEqual({
      lines: ['test-manager: --webhook-cert-mode must be one of cert-manager, self-managed (got "manual")\n'],
      codes: [1],
      setUp: false,
    });
  });
});
