// Validation of CK8sConfig and CK8sConfigTemplate.
import { ck8sControlPlaneResource, controlPlaneGroup } from '../constants';
import { CK8sConfig, CK8sConfigTemplate } from '../schema/ck8sconfig';
import { validateCK8sConfigSpec } from './ck8sconfig-spec';
import type { FieldError } from './field-errors';
import { changedImmutableFields, templateChangeErrors } from './immutability';
import type { TemplateValidationOptions } from './immutability';
import { validateObject } from './validate-object';

export const immutableConfigMessage =
  'cannot be changed once the bootstrap data secret has been generated (status.dataSecretName is set): ' +
  'the machine was bootstrapped with the current value; replace the Machine to apply a new configuration';

/**
 * Control plane CK8sConfigs are copies of CK8sControlPlane.spec.spec, whose validation (with ratcheting) already
 * covered them; checking them again would stop a control plane carried over from upstream with a now-forbidden value
 * from ever creating a machine.
 */
export function isCreatedByControlPlane(config: CK8sConfig): boolean {
  return (config.metadata?.ownerReferences ?? []).some(
    (owner) =>
      owner.controller === true &&
      owner.kind === ck8sControlPlaneResource.kind &&
      owner.apiVersion.startsWith(`${controlPlaneGroup}/`),
  );
}

function bootstrapDataGenerated(config: CK8sConfig): boolean {
  const status = config.status;
  return Boolean(status?.dataSecretName || status?.initialization?.dataSecretCreated || status?.ready);
}

/**
 * All errors of a CK8sConfig create (no `oldConfig`) or update request. Once the bootstrap data exists the spec is
 * frozen, except that an empty `version` may be filled in (the controller copies it from the Machine). The spec rules
 * are skipped for configs a CK8sControlPlane controls (see isCreatedByControlPlane).
 */
export function validateCK8sConfig(config: unknown, oldConfig?: unknown): FieldError[] {
  return validateObject(CK8sConfig, config, oldConfig, {
    errors: (object) =>
      object.spec && !isCreatedByControlPlane(object) ? validateCK8sConfigSpec(object.spec, 'spec') : [],
    changeErrors: (old, object) =>
      bootstrapDataGenerated(old)
        ? changedImmutableFields(
            old.spec,
            object.spec,
            'spec',
            old.spec?.version ? {} : { version: true },
            immutableConfigMessage,
          )
        : [],
  });
}

/** All errors of a CK8sConfigTemplate create (no `oldTemplate`) or update request. */
export function validateCK8sConfigTemplate(
  template: unknown,
  oldTemplate?: unknown,
  options: TemplateValidationOptions = {},
): FieldError[] {
  return validateObject(CK8sConfigTemplate, template, oldTemplate, {
    errors: (object) => {
      const spec = object.spec?.template.spec;
      return spec ? validateCK8sConfigSpec(spec, 'spec.template.spec') : [];
    },
    changeErrors: (old, object) => templateChangeErrors(old, object, options),
  });
}
