// Defaulting and validation of CK8sControlPlane (including `kubectl scale` through the scale subresource) and
// CK8sControlPlaneTemplate with the api package's pure rules, on the kubebuilder paths the chart registers.
import {
  ck8sControlPlaneResource,
  ck8sControlPlaneTemplateResource,
  type CK8sControlPlaneTemplate,
  defaultCK8sControlPlane,
  defaultCK8sControlPlaneTemplate,
  isTopologyDryRunRequest,
  validateCK8sControlPlane,
  validateCK8sControlPlaneScale,
  validateCK8sControlPlaneTemplate,
  webhookPath,
} from '@capi-ck8s/api';
import type { Defaulter, KubeObject, ObjectClient, Validator, WebhookServer } from '@capi-ck8s/runtime';
import { kinds, type ControlPlaneObject } from '../kinds';

export type ControlPlaneTemplateObject = CK8sControlPlaneTemplate & KubeObject;

/** autoscaling/v1 Scale, what the apiserver sends for the scale subresource. */
export interface ScaleObject extends KubeObject {
  spec?: { replicas?: number };
}

export const webhookPaths = {
  mutateControlPlane: webhookPath('mutate', ck8sControlPlaneResource),
  validateControlPlane: webhookPath('validate', ck8sControlPlaneResource),
  /** The chart's convention for the scale subresource webhook. */
  validateScale: webhookPath('validate', ck8sControlPlaneResource).replace('/validate-', '/validate-scale-'),
  mutateTemplate: webhookPath('mutate', ck8sControlPlaneTemplateResource),
  validateTemplate: webhookPath('validate', ck8sControlPlaneTemplateResource),
} as const;

export const controlPlaneDefaulter: Defaulter<ControlPlaneObject> = (controlPlane) => defaultCK8sControlPlane(controlPlane) as ControlPlaneObject;
export const templateDefaulter: Defaulter<ControlPlaneTemplateObject> = (template) => defaultCK8sControlPlaneTemplate(template) as ControlPlaneTemplateObject;

// The api package's field errors go to the runtime as they are: its admission responses read that spelling too.
export const controlPlaneValidator: Validator<ControlPlaneObject> = {
  validateCreate: (controlPlane) => ({ errors: validateCK8sControlPlane(controlPlane) }),
  validateUpdate: (old, controlPlane) => ({ errors: validateCK8sControlPlane(controlPlane, old) }),
};

/** `kubectl scale` and autoscalers: the Scale's replicas checked against the stored control plane. */
export function scaleValidator(client: ObjectClient): Validator<ScaleObject> {
  return {
    validateUpdate: async (_old, scale, request) => {
      const stored = await client.get(kinds.controlPlane, { namespace: request.namespace ?? '', name: request.name ?? '' });
      return { errors: validateCK8sControlPlaneScale(scale.spec?.replicas ?? 0, stored) };
    },
  };
}

export const templateValidator: Validator<ControlPlaneTemplateObject> = {
  validateCreate: (template) => ({ errors: validateCK8sControlPlaneTemplate(template) }),
  validateUpdate: (old, template, request) =>
    ({ errors: validateCK8sControlPlaneTemplate(template, old, { topologyDryRun: isTopologyDryRunRequest(request.dryRun, template) }) }),
};

export function registerControlPlaneWebhooks(server: WebhookServer, client: ObjectClient): void {
  server.mutating(webhookPaths.mutateControlPlane, controlPlaneDefaulter);
  server.validating(webhookPaths.validateControlPlane, controlPlaneValidator);
  server.validating(webhookPaths.validateScale, scaleValidator(client));
  server.mutating(webhookPaths.mutateTemplate, templateDefaulter);
  server.validating(webhookPaths.validateTemplate, templateValidator);
}
