import { config } from '../../test-support/objects';
import { dataSecretAvailable, nextStatus } from './status';

const now = Date.parse('2026-11-25T10:00:00Z');

function conditionOf(status: ReturnType<typeof nextStatus>, type: string) {
  return status.conditions?.find((condition) => condition.type === type);
}

describe('nextStatus', () => {
  it('records a new data secret in the v1beta2 and the legacy fields', () => {
    const status = nextStatus(config(), { dataSecretName: 'node-0', dataSecret: dataSecretAvailable('node-0') }, now, true);
    expect(status).toMatchObject({ dataSecretName: 'node-0', initialization: { dataSecretCreated: true }, ready: true, observedGeneration: 2 });
    expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'True', reason: 'Ready', observedGeneration: 2 });
  });

  it('summarises Ready from the conditions reported, leaving out those never reported', () => {
    const status = nextStatus(
      config(),
      { dataSecret: { status: 'False', reason: 'WaitingForControlPlaneAvailable', message: 'waiting for the lock' } },
      now,
      true,
    );
    expect(conditionOf(status, 'CertificatesAvailable')).toBeUndefined();
    expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'False', reason: 'WaitingForControlPlaneAvailable', message: 'DataSecretAvailable: waiting for the lock' });
    expect(status.ready).toBeUndefined();
  });

  it('makes Ready False when the certificates are corrupted even if data exists', () => {
    const status = nextStatus(
      config(),
      { dataSecret: dataSecretAvailable('node-0'), dataSecretName: 'node-0', certificates: { status: 'False', reason: 'CertificatesCorrupted', message: 'bad key' } },
      now,
      true,
    );
    expect(conditionOf(status, 'Ready')).toMatchObject({ status: 'False', reason: 'CertificatesCorrupted' });
  });

  it('keeps observedGeneration when the reconcile failed', () => {
    const previous = config({ status: { observedGeneration: 1 } });
    expect(nextStatus(previous, {}, now, false).observedGeneration).toBe(1);
  });

  it('keeps lastTransitionTime while a condition keeps its status, and always writes a message', () => {
    const first = nextStatus(config(), { paused: { status: 'False', reason: 'NotPaused' } }, now, true);
    const second = nextStatus(config({ status: first }), { paused: { status: 'False', reason: 'NotPaused' } }, now + 60_000, true);
    expect(conditionOf(second, 'Paused')).toEqual(conditionOf(first, 'Paused'));
    expect(conditionOf(second, 'Paused')?.message).toBe('');
  });

  it('keeps the recorded data secret when nothing new is observed', () => {
    const previous = config({ status: { dataSecretName: 'node-0', ready: true, initialization: { dataSecretCreated: true } } });
    expect(nextStatus(previous, { paused: { status: 'True', reason: 'Paused' } }, now, true)).toMatchObject({ dataSecretName: 'node-0', ready: true });
  });
});
