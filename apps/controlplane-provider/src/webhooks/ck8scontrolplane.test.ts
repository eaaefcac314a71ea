import { controlPlaneApiVersion } from '@capi-ck8s/api';
import type { AdmissionRequest, ObjectClient } from '@capi-ck8s/runtime';
import type { ControlPlaneObject } from '../kinds';
import { controlPlaneDefaulter, controlPlaneValidator, scaleValidator, type ScaleObject, webhookPaths } from './ck8scontrolplane';

function controlPlane(spec: Partial<NonNullable<ControlPlaneObject['spec']>> = {}): ControlPlaneObject {
  return {
    apiVersion: controlPlaneApiVersion,
    kind: 'CK8sControlPlane',
    metadata: { name: 'alpha', namespace: 'ns' },
    spec: { version: 'v1.33.2', machineTemplate: { infrastructureTemplate: { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1', kind: 'DockerMachineTemplate', name: 't' } }, ...spec },
  };
}

const request = (subResource?: string) => ({ uid: 'u', name: 'alpha', namespace: 'ns', operation: 'UPDATE', ...(subResource ? { subResource } : {}) }) as AdmissionRequest<never>;

describe('CK8sControlPlane webhooks', () => {
  it('serve on the kubebuilder paths the chart registers', () => {
    expect(webhookPaths).toEqual({
      mutateControlPlane: '/mutate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane',
      validateControlPlane: '/validate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane',
      validateScale: '/validate-scale-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplane',
      mutateTemplate: '/mutate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplanetemplate',
      validateTemplate: '/validate-controlplane-cluster-x-k8s-io-v1beta2-ck8scontrolplanetemplate',
    });
  });

  it('default replicas, maxSurge and the template namespace', async () => {
    const defaulted = (await controlPlaneDefaulter(controlPlane(), request())) as ControlPlaneObject;
    expect(defaulted.spec?.replicas).toBe(1);
    expect(defaulted.spec?.rolloutStrategy).toEqual({ rollingUpdate: { maxSurge: 1 } });
    expect(defaulted.spec?.machineTemplate?.infrastructureTemplate.namespace).toBe('ns');
  });

  it('refuse an even replica count with the managed datastore, naming the field', async () => {
    const result = await controlPlaneValidator.validateCreate?.(controlPlane({ replicas: 2 }), request());
    expect(result?.errors?.map((error) => error.field)).toContain('spec.replicas');
  });

  it('accept a valid control plane', async () => {
    const result = await controlPlaneValidator.validateCreate?.(controlPlane({ replicas: 3 }), request());
    expect(result?.errors).toEqual([]);
  });

  it.each([
    [2, ['spec.replicas']],
    [3, []],
  ])('check replicas %i of the scale subresource against the stored control plane', async (replicas, fields) => {
    const client = { get: () => Promise.resolve(controlPlane({ replicas: 1 })) } as unknown as ObjectClient;
    const scale: ScaleObject = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'alpha', namespace: 'ns' }, spec: { replicas } };
    const result = await scaleValidator(client).validateUpdate?.(scale, scale, request('scale'));
    expect(result?.errors?.map((error) => error.field)).toEqual(fields);
  });
});
