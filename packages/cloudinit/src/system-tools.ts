import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian packages the project's setup installs; the checks, the runner and the tests need them.
export const systemTools = {
  bwrap: 'bubblewrap',
  shellcheck: 'shellcheck',
  'cloud-init': 'cloud-init',
  flock: 'util-linux',
} as const;
export type SystemTool = keyof typeof systemTools;

/** Absolute path of a required tool; a missing one is an error naming the package, never a reason to skip. */
export function requireSystemTool(tool: SystemTool): string {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${tool} is required but not on PATH: install the Debian package ${systemTools[tool]} (the project setup does)`);
}

/** The Python that runs cloud-init (its #! line): the one whose modules include cloudinit, whatever PATH says. */
export function cloudInitPython(): string {
  const firstLine = readFileSync(requireSystemTool('cloud-init'), 'utf8').split('\n', 1)[0] ?? '';
  const interpreter = /^#!\s*(\S+)/.exec(firstLine)?.[1];
  if (!interpreter) throw new Error(`cannot tell which Python runs cloud-init from its first line: ${firstLine}`);
  return interpreter;
}
