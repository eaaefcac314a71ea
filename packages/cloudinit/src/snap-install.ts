import type { CK8sConfigSpec } from '@capi-ck8s/api';
import { RenderInputError } from './errors';

/** Where the k8s snap comes from; exactly one source is used on a node. */
export type SnapInstallSource =
  | { readonly option: 'channel'; readonly value: string }
  | { readonly option: 'revision'; readonly value: string }
  | { readonly option: 'local-path'; readonly value: string };

export interface KubernetesVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

// Same acceptance as Kubernetes' version.ParseSemantic: optional "v", three numeric parts, optional pre-release and
// build metadata.
const semanticVersion = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseKubernetesVersion(version: string | undefined, field = 'spec.version'): KubernetesVersion {
  const match = semanticVersion.exec(version ?? '');
  if (!match) {
    throw new RenderInputError(field, `must be a semantic version such as v1.32.1, got ${JSON.stringify(version ?? '')}`);
  }
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/** Default channel of a version: the classic stable track of its minor release, e.g. 1.32-classic/stable. */
export function defaultChannel(version: KubernetesVersion): string {
  return `${version.major}.${version.minor}-classic/stable`;
}

/**
 * The snap source of a spec: its channel, revision or local path, or else the default channel of its version.
 * Setting more than one is an error, as upstream reports it (condition SnapInstallDataValidated=False).
 */
export function snapInstallSource(spec: CK8sConfigSpec): SnapInstallSource {
  const version = parseKubernetesVersion(spec.version);
  const chosen: SnapInstallSource[] = [];
  if (spec.channel) chosen.push({ option: 'channel', value: spec.channel });
  if (spec.revision) chosen.push({ option: 'revision', value: spec.revision });
  if (spec.localPath) chosen.push({ option: 'local-path', value: spec.localPath });
  if (chosen.length > 1) {
    throw new RenderInputError(
      'spec.channel, spec.revision, spec.localPath',
      `at most one may be set, got ${chosen.map((source) => source.option).join(', ')}`,
    );
  }
  return chosen[0] ?? { option: 'channel', value: defaultChannel(version) };
}

const annotationOptions = { channel: 'channel', revision: 'revision', localPath: 'local-path' } as const;

/**
 * Parses the in-place upgrade annotation format `channel=<c>`, `revision=<r>` or `localPath=<path>`, which a
 * Machine carries once upgraded in place so that its replacement installs the same release.
 */
export function parseSnapInstallAnnotation(value: string, field: string): SnapInstallSource {
  const separator = value.indexOf('=');
  const key = separator < 0 ? value : value.slice(0, separator);
  const option = Object.hasOwn(annotationOptions, key)
    ? annotationOptions[key as keyof typeof annotationOptions]
    : undefined;
  const installValue = value.slice(separator + 1);
  if (separator < 0 || option === undefined || installValue === '') {
    throw new RenderInputError(
      field,
      `must be channel=<channel>, revision=<revision> or localPath=<path>, got ${JSON.stringify(value)}`,
    );
  }
  return { option, value: installValue };
}
