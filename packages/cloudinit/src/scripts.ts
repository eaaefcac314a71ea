import { readFileSync } from 'node:fs';
import { scriptsDir } from './paths';

// The scripts are kept as real .sh files next to this module so shellcheck checks exactly what nodes run. A bundled
// deployment must ship the scripts/ folder beside the bundle (they are read relative to this module).
export const nodeScriptNames = [
  'bootstrap.sh',
  'configure-auth-token.sh',
  'configure-node-token.sh',
  'configure-proxy.sh',
  'configure-snapstore-proxy.sh',
  'create-sentinel-bootstrap.sh',
  'deploy-manifests.sh',
  'disable-host-services.sh',
  'install.sh',
  'join-cluster.sh',
  'load-images.sh',
  'wait-apiserver-ready.sh',
] as const;
export type NodeScriptName = (typeof nodeScriptNames)[number];

export interface NodeScript {
  readonly name: NodeScriptName;
  /** Where the script lives on the node, e.g. /capi/scripts/install.sh. */
  readonly path: string;
  readonly content: string;
}

export function nodeScriptPath(name: NodeScriptName): string {
  return `${scriptsDir}/${name}`;
}

/** Folder holding the script sources, for tools that check them (shellcheck). */
export const scriptSourceDir = new URL('./scripts/', import.meta.url);

let loaded: readonly NodeScript[] | undefined;

/** All node scripts in name order (every role gets every script, as upstream does). */
export function nodeScripts(): readonly NodeScript[] {
  loaded ??= nodeScriptNames.map((name) => ({
    name,
    path: nodeScriptPath(name),
    content: readFileSync(new URL(name, scriptSourceDir), 'utf8'),
  }));
  return loaded;
}
