import { machine, cluster, config, owner } from '../../test-support/objects';
import {
  bootstrapRole,
  controlPlaneInitialized,
  effectiveSpec,
  hasBootstrapData,
  infrastructureProvisioned,
  machineOwner,
  ownerReferenceOf,
  pausedBecause,
} from './scope';

const machineReference = { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine', name: 'machine-0', uid: 'u1' };

describe('ownerReferenceOf', () => {
  it.each([
    ['no owners', undefined, undefined],
    ['a Machine of Cluster API (any version)', [{ ...machineReference, apiVersion: 'cluster.x-k8s.io/v1beta1' }], 'machine-0'],
    ['a MachinePool', [{ ...machineReference, kind: 'MachinePool', name: 'pool' }], 'pool'],
    ['a Machine of another group is not an owner', [{ ...machineReference, apiVersion: 'example.com/v1' }], undefined],
    ['the controller wins over a plain owner', [{ ...machineReference, name: 'plain' }, { ...machineReference, name: 'ctrl', controller: true }], 'ctrl'],
  ])('%s', (_name, owners, expected) => {
    expect(ownerReferenceOf(config(owners ? { owners } : {}))?.name).toBe(expected);
  });
});

describe('machineOwner', () => {
  it('reads the control plane label, version, data secret and in-place release from the Machine', () => {
    const view = machineOwner(machine({ controlPlane: true, version: 'v1.34.0', dataSecretName: 'data', annotations: { 'v1beta2.k8sd.io/in-place-upgrade-release': 'channel=1.34/edge' } }));
    expect(view).toMatchObject({ kind: 'Machine', name: 'machine-0', clusterName: 'alpha', controlPlane: true, version: 'v1.34.0', dataSecretName: 'data', inPlaceUpgradeRelease: 'channel=1.34/edge' });
  });

  it('treats a Machine without the control plane label as a worker', () => {
    expect(machineOwner(machine()).controlPlane).toBe(false);
  });
});

describe('bootstrapRole', () => {
  it.each([
    [true, false, 'init-control-plane'],
    [false, false, 'wait-for-control-plane'],
    [true, true, 'join-control-plane'],
    [false, true, 'worker'],
  ] as const)('control plane %s, cluster initialised %s → %s', (controlPlane, initialized, expected) => {
    expect(bootstrapRole(owner({ controlPlane }), initialized)).toBe(expected);
  });
});

describe('effectiveSpec', () => {
  it('fills an empty version from the owner', () => {
    expect(effectiveSpec(config({ spec: {} }), owner({ version: 'v1.32.1' })).version).toBe('v1.32.1');
  });

  it('keeps the config version over the owner one', () => {
    expect(effectiveSpec(config({ spec: { version: 'v1.33.0' } }), owner({ version: 'v1.32.1' })).version).toBe('v1.33.0');
  });
});

describe('cluster state', () => {
  it.each([
    ['Cluster spec.paused', cluster({ paused: true }), config(), /spec.paused/],
    ['the paused annotation on the config', cluster(), config({ annotations: { 'cluster.x-k8s.io/paused': '' } }), /annotation/],
    ['nothing', cluster(), config(), undefined],
  ])('paused by %s', (_name, theCluster, theConfig, expected) => {
    const reason = pausedBecause(theCluster, theConfig);
    if (expected) expect(reason).toMatch(expected);
    else expect(reason).toBeUndefined();
  });

  it('reads infrastructure and control plane state from status.initialization or the v1beta2 conditions', () => {
    expect(infrastructureProvisioned(cluster({ infrastructureProvisioned: false }))).toBe(false);
    expect(infrastructureProvisioned(cluster())).toBe(true);
    const byCondition = cluster({ infrastructureProvisioned: false });
    byCondition.status = { conditions: [{ type: 'ControlPlaneInitialized', status: 'True', reason: 'Initialized', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }] };
    expect(controlPlaneInitialized(byCondition)).toBe(true);
    expect(controlPlaneInitialized(cluster())).toBe(false);
  });
});

describe('hasBootstrapData', () => {
  it.each([
    ['no status', undefined, false],
    ['v1beta2 initialization', { dataSecretName: 'x', initialization: { dataSecretCreated: true } }, true],
    ['legacy ready', { dataSecretName: 'x', ready: true }, true],
    ['a name without the flag', { dataSecretName: 'x' }, false],
  ])('%s', (_name, status, expected) => {
    expect(hasBootstrapData(config(status ? { status } : {}))).toBe(expected);
  });
});
