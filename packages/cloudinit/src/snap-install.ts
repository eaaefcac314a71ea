import { explicitSnapInstallOptions, parseKubernetesVersion, snapInstallSource as effectiveSnapInstallSource } from '@capi-ck8s/api';
import type { CK8sConfigSpec, SnapInstallOption, SnapInstallSource } from '@capi-ck8s/api';
import { RenderInputError } from './errors';

export type { SnapInstallSource } from '@capi-ck8s/api';

/**
 * The snap source of a spec: its channel, revision or local path, or else <major>.<minor>-classic/stable of its
 * version. Setting more than one is an error, as upstream reports it (condition SnapInstallDataValidated=False).
 */
export function snapInstallSource(spec: CK8sConfigSpec): SnapInstallSource {
  if (!parseKubernetesVersion(spec.version ?? '')) {
    throw new RenderInputError('spec.version', `must be a semantic version such as v1.32.1, got ${JSON.stringify(spec.version ?? '')}`);
  }
  const explicit = explicitSnapInstallOptions(spec);
  if (explicit.length > 1) {
    throw new RenderInputError(
      'spec.channel, spec.revision, spec.localPath',
      `at most one may be set, got ${explicit.map((source) => source.option).join(', ')}`,
    );
  }
  const source = effectiveSnapInstallSource(spec);
  if (!source) throw new Error('a valid version always yields a snap source');
  return source;
}

const annotationOptions: readonly SnapInstallOption[] = ['channel', 'revision', 'localPath'];

/**
 * Parses the in-place upgrade annotation format `channel=<c>`, `revision=<r>` or `localPath=<path>`, which a
 * Machine carries once upgraded in place so that its replacement installs the same release.
 */
export function parseSnapInstallAnnotation(value: string, field: string): SnapInstallSource {
  const separator = value.indexOf('=');
  const option = annotationOptions.find((candidate) => candidate === value.slice(0, separator));
  const installValue = value.slice(separator + 1);
  if (separator < 0 || option === undefined || installValue === '') {
    throw new RenderInputError(
      field,
      `must be channel=<channel>, revision=<revision> or localPath=<path>, got ${JSON.stringify(value)}`,
    );
  }
  return { option, value: installValue };
}
