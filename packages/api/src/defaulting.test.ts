import {
  defaultCK8sConfig,
  defaultCK8sConfigSpec,
  defaultCK8sConfigTemplate,
  defaultCK8sControlPlane,
  defaultCK8sControlPlaneTemplate,
} from './defaulting';
import type { CK8sControlPlane } from './schema/ck8scontrolplane';

const infrastructureTemplate = { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 'cp' };

function controlPlane(spec: Partial<NonNullable<CK8sControlPlane['spec']>>): CK8sControlPlane {
  return { metadata: { name: 'cp', namespace: 'dev' }, spec: { version: 'v1.33.0', ...spec } };
}

describe('defaultCK8sControlPlane', () => {
  it('fills replicas, the template namespace, maxSurge and the snap store scheme', () => {
    expect(defaultCK8sControlPlane(controlPlane({ machineTemplate: { infrastructureTemplate } })).spec).toEqual({
      version: 'v1.33.0',
      replicas: 1,
      machineTemplate: { infrastructureTemplate: { ...infrastructureTemplate, namespace: 'dev' } },
      rolloutStrategy: { rollingUpdate: { maxSurge: 1 } },
      spec: { snapstoreProxyScheme: 'http' },
    });
  });

  it('keeps what the user set', () => {
    const spec = {
      replicas: 3,
      machineTemplate: { infrastructureTemplate: { ...infrastructureTemplate, namespace: 'dev' } },
      rolloutStrategy: { rollingUpdate: { maxSurge: 0 } },
      spec: { snapstoreProxyScheme: 'https' as const, channel: 'edge' },
    };
    expect(defaultCK8sControlPlane(controlPlane(spec)).spec).toEqual({ version: 'v1.33.0', ...spec });
  });

  it.each([
    ['an empty rollout strategy', {}],
    ['an empty rolling update', { rollingUpdate: {} }],
  ])('sets maxSurge 1 in %s', (_name, rolloutStrategy) => {
    expect(defaultCK8sControlPlane(controlPlane({ rolloutStrategy })).spec?.rolloutStrategy).toEqual({
      rollingUpdate: { maxSurge: 1 },
    });
  });

  it('does not modify its input', () => {
    const input = controlPlane({ machineTemplate: { infrastructureTemplate } });
    const copy = structuredClone(input);
    defaultCK8sControlPlane(input);
    expect(input).toEqual(copy);
  });

  it('leaves an object without spec for validation to reject', () => {
    expect(defaultCK8sControlPlane({ metadata: { name: 'x' } })).toEqual({ metadata: { name: 'x' } });
  });
});

describe('defaultCK8sControlPlaneTemplate', () => {
  it('fills maxSurge and the snap store scheme but no replicas or namespace', () => {
    const template = { spec: { template: { spec: { machineTemplate: { infrastructureTemplate } } } } };
    expect(defaultCK8sControlPlaneTemplate(template).spec?.template.spec).toEqual({
      machineTemplate: { infrastructureTemplate },
      rolloutStrategy: { rollingUpdate: { maxSurge: 1 } },
      spec: { snapstoreProxyScheme: 'http' },
    });
  });
});

describe('CK8sConfig defaults', () => {
  it('sets the snap store scheme to http unless set', () => {
    expect(defaultCK8sConfigSpec({})).toEqual({ snapstoreProxyScheme: 'http' });
    expect(defaultCK8sConfigSpec({ snapstoreProxyScheme: 'https' })).toEqual({ snapstoreProxyScheme: 'https' });
  });

  it('defaults the spec of a config and of a template', () => {
    expect(defaultCK8sConfig({ spec: { nodeName: 'n' } }).spec).toEqual({ nodeName: 'n', snapstoreProxyScheme: 'http' });
    expect(defaultCK8sConfigTemplate({ spec: { template: {} } }).spec?.template.spec).toEqual({ snapstoreProxyScheme: 'http' });
  });
});
