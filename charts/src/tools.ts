import { execFile } from 'node:child_process';
import { binaryPath } from '@capi-ck8s/testenv';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the environment's pinned binaries (helm, kubectl, clusterctl) and resolves with its output; a non-zero
 * exit rejects with the command line and its stderr, which is what a failing test needs to show.
 */
export function run(tool: 'helm' | 'kubectl' | 'clusterctl', args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      binaryPath(tool),
      args,
      { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${tool} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}
