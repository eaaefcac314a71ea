// Random specs never break the YAML and never make the node run anything the spec did not ask for.
import fc from 'fast-check';
import { load } from 'js-yaml';
import type { CK8sConfigSpec, File } from '@capi-ck8s/api';
import { RenderInputError } from './errors';
import type { NodeRole } from './input';
import { renderCloudConfig } from './render';
import { nodeScripts } from './scripts';
import { ck8sConfigSpec, nodeRole } from './test-support/arbitraries';
import { inputFor } from './test-support/inputs';
import { expectedRejection, expectedRuncmd, expectedSnapSource } from './test-support/oracle';

interface WrittenFile {
  path: string;
  content: string;
}
interface Document {
  write_files: WrittenFile[];
  runcmd: string[];
  bootcmd?: string[];
  [key: string]: unknown;
}

const header = '## template: jinja\n#cloud-config\n';
const shipped = new Map(nodeScripts().map((script) => [script.path, script.content]));
const secretContent = (name: string, key: string) => `content of ${name}/${key}`;

function render(role: NodeRole, spec: CK8sConfigSpec): string {
  const input = inputFor(role, spec);
  return renderCloudConfig({ ...input, secretValue: (reference) => secretContent(reference.name, reference.key) });
}

/** Last write of each path wins, as on the node. */
function finalFiles(document: Document): Map<string, string> {
  return new Map(document.write_files.map((file) => [file.path, file.content]));
}

/** Only the commands the reference prescribes plus the user's own, verbatim and in order; no extra modules. */
function checkCommands(role: NodeRole, spec: CK8sConfigSpec, document: Document): void {
  expect(document.runcmd).toEqual(expectedRuncmd(role, spec));
  expect(document.bootcmd).toEqual(spec.bootCommands?.length ? spec.bootCommands : undefined);
  const additionalKeys = Object.keys(spec.additionalUserData ?? {});
  expect(Object.keys(document).sort()).toEqual(
    ['write_files', 'runcmd', ...(document.bootcmd ? ['bootcmd'] : []), ...additionalKeys].sort(),
  );
}

function userContent(file: File): string {
  return file.content ?? secretContent(file.contentFrom?.secret.name ?? '', file.contentFrom?.secret.key ?? '');
}

/** Scripts are the shipped ones unless the user replaced them by a file at the same path. */
function checkScripts(spec: CK8sConfigSpec, files: ReadonlyMap<string, string>): void {
  const userFiles = new Map((spec.files ?? []).map((file) => [file.path, file]));
  for (const [path, content] of shipped) {
    const replacement = userFiles.get(path);
    expect(files.get(path)).toBe(replacement ? userContent(replacement) : content);
  }
}

/** Values arrive unchanged in the files the scripts read. */
function checkValues(spec: CK8sConfigSpec, files: ReadonlyMap<string, string>): void {
  expect(files.get('/capi/etc/node-name')).toBe(spec.nodeName ?? '');
  const snap = expectedSnapSource(spec);
  const snapFile = { channel: 'snap-channel', revision: 'snap-revision', localPath: 'snap-local-path' }[snap.option];
  expect(files.get(`/capi/etc/${snapFile ?? ''}`)).toBe(snap.value);
  for (const [path, value] of [['http-proxy', spec.httpProxy], ['https-proxy', spec.httpsProxy], ['no-proxy', spec.noProxy]] as const) {
    expect(files.get(`/capi/etc/${path}`)).toBe(value || undefined);
  }
}

/**
 * The k8s configuration is valid YAML and carries the extra arguments as given, nulls included. A user
 * bootstrapConfig is the user's own text, used verbatim on the first node.
 */
function checkK8sConfig(role: NodeRole, spec: CK8sConfigSpec, files: ReadonlyMap<string, string>): void {
  const configText = files.get('/capi/etc/config.yaml') ?? '';
  if (role === 'init-control-plane' && spec.bootstrapConfig?.content) {
    expect(configText).toBe(spec.bootstrapConfig.content);
    return;
  }
  const config = load(configText) as Record<string, unknown> | null;
  const kubelet = spec.extraKubeletArgs ?? {};
  expect(config?.['extra-node-kubelet-args']).toEqual(Object.keys(kubelet).length ? kubelet : undefined);
}

function checkDocument(role: NodeRole, spec: CK8sConfigSpec, text: string): void {
  expect(text.startsWith(header)).toBe(true);
  // The inputs hold no jinja delimiter, so none may appear: the renderer adds no template syntax of its own.
  expect(text).not.toMatch(/\{\{|\{%|\{#/);
  const document = load(text.slice(header.length)) as Document;
  checkCommands(role, spec, document);
  const files = finalFiles(document);
  checkScripts(spec, files);
  checkValues(spec, files);
  checkK8sConfig(role, spec, files);
}

describe('rendering random specs', () => {
  it('gives valid YAML that runs only what was asked, or a RenderInputError exactly when the spec is invalid', () => {
    fc.assert(
      fc.property(nodeRole, ck8sConfigSpec, (role, spec) => {
        const rejection = expectedRejection(spec);
        let text: string;
        try {
          text = render(role, spec);
        } catch (error) {
          expect(error).toBeInstanceOf(RenderInputError);
          expect([typeof rejection, (error as Error).message]).toEqual(['string', (error as Error).message]);
          return;
        }
        expect(rejection).toBeUndefined();
        checkDocument(role, spec, text);
      }),
      { numRuns: 9500 },
    );
  }, 180_000);

  it('renders the same spec byte-identically every time', () => {
    fc.assert(
      fc.property(nodeRole, ck8sConfigSpec, (role, spec) => {
        fc.pre(expectedRejection(spec) === undefined);
        expect(render(role, structuredClone(spec))).toBe(render(role, spec));
      }),
      { numRuns: 300 },
    );
  }, 180_000);
});
