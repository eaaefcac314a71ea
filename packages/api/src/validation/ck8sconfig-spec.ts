// Rules for a CK8sConfigSpec wherever it appears (CK8sConfig, its template, the control plane and its template).
// Each rule returns every error it finds; the caller concatenates them.
import { isIPv4, isIPv6 } from 'node:net';
import { datastoreTypes, effectivePorts, explicitSnapInstallOptions, isEtcdManaged } from '../effective';
import type { BootstrapConfig, CK8sConfigSpec, CK8sControlPlaneConfig, ContentSource, File } from '../schema/ck8sconfig';
import { child, duplicate, forbidden, invalid, item, notSupported, required } from './field-errors';
import type { FieldError } from './field-errors';
import { isSnapChannel, parseKubernetesVersion } from './formats';

/** cloud-init keys the provider writes itself, with the spec field to use instead: user values would replace the
 * provider's and break the install, so they are rejected rather than silently dropped as upstream does. */
export const managedCloudInitKeys = {
  bootcmd: 'bootCommands',
  runcmd: 'preRunCommands or postRunCommands',
  write_files: 'files',
} as const;

export const versionFormatMessage = 'must be a semantic version with a leading "v", e.g. v1.33.2';

export function validateKubernetesVersion(version: string, field: string): FieldError[] {
  return parseKubernetesVersion(version) ? [] : [invalid(field, version, versionFormatMessage)];
}

function validateSnapInstall(spec: CK8sConfigSpec, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const [first, ...others] = explicitSnapInstallOptions(spec);
  for (const other of others) {
    errors.push(
      forbidden(
        child(path, other.option),
        `may not be set together with ${first?.option ?? ''}: set only one of channel, revision and localPath`,
        other.value,
      ),
    );
  }
  if (spec.channel && !isSnapChannel(spec.channel)) {
    errors.push(
      invalid(
        child(path, 'channel'),
        spec.channel,
        'must be <risk> or <track>/<risk> (optionally followed by /<branch>) with risk one of stable, ' +
          'candidate, beta, edge, e.g. 1.33-classic/stable',
      ),
    );
  }
  if (spec.revision && !/^[1-9][0-9]*$/.test(spec.revision)) {
    errors.push(invalid(child(path, 'revision'), spec.revision, 'must be a snap revision number, e.g. 3456'));
  }
  if (spec.localPath && !spec.localPath.startsWith('/')) {
    errors.push(invalid(child(path, 'localPath'), spec.localPath, 'must be an absolute path'));
  }
  return errors;
}

function isProxyUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return ['http:', 'https:', 'socks5:', 'socks5h:'].includes(url.protocol) && url.hostname !== '';
}

function validateProxies(spec: CK8sConfigSpec, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['httpProxy', 'httpsProxy'] as const) {
    const value = spec[field];
    if (value && !isProxyUrl(value)) {
      errors.push(
        invalid(child(path, field), value, 'must be a proxy URL with scheme and host, e.g. http://proxy.example:3128'),
      );
    }
  }
  const { snapstoreProxyDomain: domain, snapstoreProxyId: id } = spec;
  if (domain && !id) {
    errors.push(required(child(path, 'snapstoreProxyId'), 'must be set when snapstoreProxyDomain is set'));
  }
  if (id && !domain) {
    errors.push(required(child(path, 'snapstoreProxyDomain'), 'must be set when snapstoreProxyId is set'));
  }
  if (domain && (domain.includes('://') || domain.includes('/'))) {
    errors.push(
      invalid(
        child(path, 'snapstoreProxyDomain'),
        domain,
        'must be a host name (optionally with :port) without scheme or path; the scheme goes in snapstoreProxyScheme',
      ),
    );
  }
  return errors;
}

function validateContentSource(source: ContentSource, path: string): FieldError[] {
  const secretPath = child(path, 'secret');
  const errors: FieldError[] = [];
  if (!source.secret.name) errors.push(required(child(secretPath, 'name'), 'must name the Secret holding the content'));
  if (!source.secret.key) errors.push(required(child(secretPath, 'key'), 'must name the key of the content in the Secret'));
  return errors;
}

function validateInlineOrSecret(holder: File | BootstrapConfig, path: string): FieldError[] {
  if (holder.content && holder.contentFrom) {
    return [forbidden(child(path, 'contentFrom'), 'may not be set together with content: set only one of them')];
  }
  return holder.contentFrom ? validateContentSource(holder.contentFrom, child(path, 'contentFrom')) : [];
}

const base64Pattern = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

function validateFile(file: File, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!file.path.startsWith('/')) errors.push(invalid(child(path, 'path'), file.path, 'must be an absolute path'));
  if (file.permissions !== undefined && !/^0?[0-7]{3,4}$/.test(file.permissions)) {
    errors.push(invalid(child(path, 'permissions'), file.permissions, 'must be an octal file mode, e.g. "0640"'));
  }
  if (file.owner !== undefined && !/^[^:\s]+(:[^:\s]+)?$/.test(file.owner)) {
    errors.push(invalid(child(path, 'owner'), file.owner, 'must be user or user:group, e.g. "root:root"'));
  }
  const base64Encoded = file.encoding === 'base64' || file.encoding === 'gzip+base64';
  if (base64Encoded && file.content && !base64Pattern.test(file.content)) {
    errors.push(invalid(child(path, 'content'), file.content, `must be base64 text for encoding ${file.encoding}`));
  }
  errors.push(...validateInlineOrSecret(file, path));
  return errors;
}

function validateFiles(files: File[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  files.forEach((file, index) => {
    const filePath = item(path, index);
    errors.push(...validateFile(file, filePath));
    if (seen.has(file.path)) {
      errors.push(duplicate(child(filePath, 'path'), file.path, 'each file path may appear only once'));
    }
    seen.add(file.path);
  });
  return errors;
}

function validateAdditionalUserData(userData: Record<string, string>, path: string): FieldError[] {
  return Object.entries(managedCloudInitKeys)
    .filter(([key]) => key in userData)
    .map(([key, instead]) => forbidden(child(path, key), `${key} is written by the provider; use ${instead} instead`));
}

const taintPattern =
  /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?(=[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?:(NoSchedule|PreferNoSchedule|NoExecute)$/;

function validatePorts(controlPlane: CK8sControlPlaneConfig, path: string, etcdManaged: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['etcdPort', 'etcdPeerPort', 'microclusterPort'] as const) {
    const port = controlPlane[field];
    if (port !== undefined && (port < 1 || port > 65535)) {
      errors.push(invalid(child(path, field), port, 'must be a port number between 1 and 65535'));
    }
  }
  if (!etcdManaged) return errors;
  const ports = effectivePorts(controlPlane);
  const listening: [keyof typeof ports, number][] = [
    ['microclusterPort', ports.microclusterPort],
    ['etcdPort', ports.etcdPort],
    ['etcdPeerPort', ports.etcdPeerPort],
  ];
  listening.forEach(([field, port], index) => {
    const clash = listening.slice(0, index).find(([, earlier]) => earlier === port);
    if (clash) {
      errors.push(invalid(child(path, field), port, `must differ from ${clash[0]} (${clash[1]}): both listen on the node`));
    }
  });
  return errors;
}

function validateDatastore(controlPlane: CK8sControlPlaneConfig, path: string): FieldError[] {
  const type = controlPlane.datastoreType ?? '';
  if (type !== '' && !(datastoreTypes as readonly string[]).includes(type)) {
    return [notSupported(child(path, 'datastoreType'), type, datastoreTypes)];
  }
  const ref = controlPlane.datastoreServersSecretRef;
  const refPath = child(path, 'datastoreServersSecretRef');
  if (type === 'external') {
    if (!ref) return [required(refPath, 'must name the Secret listing the external datastore servers')];
    return ref.name ? [] : [required(child(refPath, 'name'), 'must name the Secret listing the datastore servers')];
  }
  return ref ? [forbidden(refPath, 'may only be set when datastoreType is "external"')] : [];
}

function validateControlPlaneConfig(controlPlane: CK8sControlPlaneConfig, path: string): FieldError[] {
  const errors = validateDatastore(controlPlane, path);
  errors.push(...validatePorts(controlPlane, path, isEtcdManaged({ controlPlane })));
  (controlPlane.nodeTaints ?? []).forEach((taint, index) => {
    if (!taintPattern.test(taint)) {
      errors.push(
        invalid(
          item(child(path, 'nodeTaints'), index),
          taint,
          'must be key[=value]:effect with effect NoSchedule, PreferNoSchedule or NoExecute',
        ),
      );
    }
  });
  const address = controlPlane.microclusterAddress;
  if (address && !isAddressOrCidr(address) && !address.includes('{{')) {
    errors.push(
      invalid(child(path, 'microclusterAddress'), address, 'must be an IP address or a CIDR, e.g. 10.0.0.0/24'),
    );
  }
  return errors;
}

function isAddressOrCidr(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  if (rest.length > 0) return false;
  const maxPrefix = isIPv4(address) ? 32 : isIPv6(address) ? 128 : -1;
  if (maxPrefix < 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
}

/** All rules for one CK8sConfigSpec found at `path` (e.g. `spec`, `spec.spec`, `spec.template.spec`). */
export function validateCK8sConfigSpec(spec: CK8sConfigSpec, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.version) errors.push(...validateKubernetesVersion(spec.version, child(path, 'version')));
  errors.push(...validateSnapInstall(spec, path));
  errors.push(...validateProxies(spec, path));
  if (spec.files) errors.push(...validateFiles(spec.files, child(path, 'files')));
  if (spec.bootstrapConfig) {
    errors.push(...validateInlineOrSecret(spec.bootstrapConfig, child(path, 'bootstrapConfig')));
  }
  if (spec.additionalUserData) {
    errors.push(...validateAdditionalUserData(spec.additionalUserData, child(path, 'additionalUserData')));
  }
  if (spec.controlPlane) errors.push(...validateControlPlaneConfig(spec.controlPlane, child(path, 'controlPlane')));
  return errors;
}
