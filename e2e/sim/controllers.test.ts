import { machineStatusFor } from './controllers';

describe('SimMachine status from its boot', () => {
  it('is provisioned while booting, not Ready, without addresses yet', () => {
    expect(machineStatusFor({ phase: 'booting' }, 'm-0')).toEqual({
      provisioned: true,
      addresses: undefined,
      ready: { status: 'False', reason: 'Booting', message: 'running the bootstrap data' },
    });
  });

  it('reports the node address and hostname once booted, and Ready', () => {
    const decision = machineStatusFor({ phase: 'booted', address: '127.0.0.5', durationMs: 1200 }, 'm-0');
    expect(decision.addresses).toEqual([
      { type: 'InternalIP', address: '127.0.0.5' },
      { type: 'Hostname', address: 'm-0' },
    ]);
    expect(decision.ready).toEqual({ status: 'True', reason: 'Booted', message: 'bootstrap data ran in 1200 ms' });
  });

  it('keeps a failed boot provisioned (the machine runs; its node never joins) and says why in Ready', () => {
    const decision = machineStatusFor({ phase: 'failed', message: 'join-cluster.sh: k8s join-cluster failed' }, 'm-0');
    expect(decision).toMatchObject({ provisioned: true, ready: { status: 'False', reason: 'BootFailed', message: 'join-cluster.sh: k8s join-cluster failed' } });
  });

  it('reports a machine an earlier simulator run provisioned as lost, never booting it again', () => {
    expect(machineStatusFor({ phase: 'lost' }, 'm-0')).toMatchObject({ provisioned: true, addresses: undefined, ready: { status: 'False', reason: 'MachineLost' } });
  });
});
