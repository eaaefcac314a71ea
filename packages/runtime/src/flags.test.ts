import { DEFAULT_FLAGS, parseBindAddress, parseDuration, parseManagerFlags } from './flags';

describe('manager flags', () => {
  it('defaults like CAPI providers', () => {
    expect(parseManagerFlags([])).toEqual({ ...DEFAULT_FLAGS, extra: {} });
  });

  it('parses every shared flag', () => {
    expect(
      parseManagerFlags([
        '--leader-elect',
        '--metrics-bind-address=127.0.0.1:8081',
        '--health-probe-bind-address=:9441',
        '--webhook-port=9444',
        '--webhook-cert-dir=/certs',
        '--namespace=capi-system',
        '--watch-filter=team-a',
        '--sync-period=1h30m',
        '--concurrency=3',
        '--log-level=debug',
      ]),
    ).toEqual({
      leaderElect: true,
      metricsBindAddress: '127.0.0.1:8081',
      healthProbeBindAddress: ':9441',
      webhookPort: 9444,
      webhookCertDir: '/certs',
      namespace: 'capi-system',
      watchFilter: 'team-a',
      syncPeriodMs: 5_400_000,
      concurrency: 3,
      logLevel: 'debug',
      extra: {},
    });
  });

  it('returns a provider\'s own flags separately', () => {
    const parsed = parseManagerFlags(['--concurrency=2', '--token-ttl=15m'], { extraOptions: { 'token-ttl': { type: 'string' } } });
    expect(parsed.concurrency).toBe(2);
    expect(parsed.extra).toEqual({ 'token-ttl': '15m' });
  });

  it.each([
    [['--leader-elect=true'], true],
    [['--leader-elect=false'], false],
    [['--leader-elect', '--leader-elect=false'], false],
  ])('takes a boolean the Go way: %j', (argv, leaderElect) => {
    expect(parseManagerFlags(argv).leaderElect).toBe(leaderElect);
  });

  it.each([
    [['--concurrency=0'], /--concurrency must be a positive integer/],
    [['--sync-period=10 minutes'], /duration "10 minutes" must look like/],
    [['--log-level=loud'], /--log-level must be one of/],
    [['--metrics-bind-address=8080'], /--metrics-bind-address "8080" must be "host:port"/],
    [['--unknown'], /Unknown option '--unknown'/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseManagerFlags(argv)).toThrow(message);
  });

  it.each([
    ['500ms', 500],
    ['45s', 45_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
  ])('duration %s is %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads bind addresses, "0" disabling the server', () => {
    expect(parseBindAddress('x', ':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseBindAddress('x', '127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseBindAddress('x', '0')).toBeUndefined();
  });
});
