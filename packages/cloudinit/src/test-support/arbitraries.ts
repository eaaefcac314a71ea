// fast-check arbitraries for renderer inputs full of what breaks YAML and shell: quotes, line breaks, $(...),
// backticks, YAML indicators and YAML 1.1 look-alikes, Unicode line separators, and plain Unicode.
import type { CK8sConfigSpec, File } from '@capi-ck8s/api';
import fc from 'fast-check';
import type { NodeRole } from '../input';
import { nodeRoles } from '../input';

const troublemakers = [
  "'", '"', '\\', '\n', '\r\n', '\t', ' ', '$(touch /pwned)', '`touch /pwned`', '${HOME}', '$HOME', ';', '&&', '|',
  '>', '<', '#', ': ', ':', '- ', '-', '? ', '*anchor', '&anchor', '!!binary', '!tag', '%', '@', '[', ']', '{', '}', ',',
  '---', '...', '~', 'null', 'yes', 'no', 'on', 'off', 'y', 'N', 'true', '0777', '0x1F', '1:20', '1e3', '.inf', '.NaN',
  '2001-12-14', '=', '<<', 'é', '日本語', '🙂', '\u2028', '\u2029', '\u0085', '\u00a0', '\ufeff', '\u0000', '\u0007',
  '\u001b[31m', '\u007f', 'snap install evil', 'k8s bootstrap',
];

/** Strings made of troublemakers and random Unicode. */
export const hostileString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...troublemakers), fc.string({ unit: 'grapheme', maxLength: 6 })), { maxLength: 6 })
  .map((parts) => parts.join(''));

/**
 * The whole user data is a jinja template (that is how nodeName "{{ ds.meta_data.local_hostname }}" works), so
 * jinja delimiters in a value are instructions to cloud-init by design; random values leave them out.
 */
export function withoutJinja(value: string): string {
  return value.replace(/\{(?=[{%#])/g, '(');
}

export const hostileValue: fc.Arbitrary<string> = hostileString.map(withoutJinja);

const controlCharacters = new Set([...Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)), '\u007f']);
controlCharacters.delete('\t');

/** Whether a value holds a character the renderer refuses in single-line fields (tab is fine). */
export function hasControlCharacter(value: string): boolean {
  return [...value].some((character) => controlCharacters.has(character));
}

function withoutControlCharacters(value: string): string {
  return [...value].filter((character) => !controlCharacters.has(character)).join('');
}

/** Mostly strings without control characters (which the renderer rejects in single-line fields), sometimes with. */
export const singleLineValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 49,
    arbitrary: hostileString.map((value) => withoutJinja(withoutControlCharacters(value))),
  },
  { weight: 1, arbitrary: hostileValue },
);

const argumentMap = fc.dictionary(hostileValue, fc.option(hostileValue, { nil: null }), { maxKeys: 3 });
const commands = fc.array(hostileValue, { maxLength: 3 });

const userFile: fc.Arbitrary<File> = fc.record(
  {
    path: fc.oneof({ weight: 19, arbitrary: hostileValue.map((path) => `/${path}`) }, { weight: 1, arbitrary: hostileValue }),
    content: hostileValue,
    owner: fc.constantFrom('root:root', 'ubuntu:ubuntu'),
    permissions: fc.constantFrom('0644', '0600', '0500', '0400'),
    encoding: fc.constantFrom('base64' as const, 'gzip+base64' as const),
    contentFrom: fc.record({ secret: fc.record({ name: hostileValue, key: hostileValue }) }),
  },
  { requiredKeys: ['path'] },
);

const versions = fc.oneof(
  { weight: 19, arbitrary: fc.constantFrom('v1.31.4', 'v1.32.1', '1.33.0', 'v1.34.2-rc.1', 'v1.35.0+build.7') },
  { weight: 1, arbitrary: hostileValue },
);

const anySpec: fc.Arbitrary<CK8sConfigSpec> = fc.record(
  {
    version: versions,
    files: fc.array(userFile, { maxLength: 3 }),
    bootstrapConfig: fc.record({ content: hostileValue }),
    bootCommands: commands,
    preRunCommands: commands,
    postRunCommands: commands,
    // Keys prefixed so that they do not collide with cloud-init modules, whose schemas random values would break.
    additionalUserData: fc.dictionary(hostileValue.map((key) => `x-${key}`), hostileValue, { maxKeys: 3 }),
    airGapped: fc.boolean(),
    snapstoreProxyScheme: fc.constantFrom('http' as const, 'https' as const),
    snapstoreProxyDomain: singleLineValue,
    snapstoreProxyId: singleLineValue,
    httpsProxy: singleLineValue,
    httpProxy: singleLineValue,
    noProxy: singleLineValue,
    channel: singleLineValue,
    revision: singleLineValue,
    localPath: singleLineValue,
    nodeName: singleLineValue,
    controlPlane: fc.record(
      {
        extraSANs: fc.array(hostileValue, { maxLength: 2 }),
        cloudProvider: hostileValue,
        nodeTaints: fc.array(hostileValue, { maxLength: 2 }),
        datastoreType: fc.constantFrom('', 'etcd'),
        etcdPort: fc.integer({ min: 1, max: 65535 }),
        etcdPeerPort: fc.integer({ min: 1, max: 65535 }),
        microclusterAddress: singleLineValue,
        microclusterPort: fc.integer({ min: 1, max: 65535 }),
        extraKubeAPIServerArgs: argumentMap,
        extraKubeControllerManagerArgs: argumentMap,
        extraKubeSchedulerArgs: argumentMap,
      },
      { requiredKeys: [] },
    ),
    initConfig: fc.record(
      {
        annotations: fc.dictionary(hostileValue, hostileValue, { maxKeys: 2 }),
        enableDefaultDNS: fc.boolean(),
        enableDefaultNetwork: fc.boolean(),
        enableDefaultLoadBalancer: fc.boolean(),
        enableDefaultGateway: fc.boolean(),
        enableDefaultIngress: fc.boolean(),
        enableDefaultLocalStorage: fc.boolean(),
        enableDefaultMetricsServer: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    extraKubeProxyArgs: argumentMap,
    extraKubeletArgs: argumentMap,
    extraContainerdArgs: argumentMap,
    ExtraK8sAPIServerProxyArgs: argumentMap,
  },
  { requiredKeys: ['version'] },
);

type SnapSourceField = 'channel' | 'revision' | 'localPath';
const snapSourceFields: readonly SnapSourceField[] = ['channel', 'revision', 'localPath'];

/** Specs with at most one snap source most of the time (several is an error the renderer reports). */
export const ck8sConfigSpec: fc.Arbitrary<CK8sConfigSpec> = fc
  .tuple(anySpec, fc.constantFrom<SnapSourceField | 'none' | 'all'>('none', ...snapSourceFields, 'all'))
  .map(([spec, kept]) => {
    if (kept === 'all') return spec;
    const result = { ...spec };
    for (const field of snapSourceFields) if (field !== kept) delete result[field];
    return result;
  });

export const nodeRole: fc.Arbitrary<NodeRole> = fc.constantFrom(...nodeRoles);
