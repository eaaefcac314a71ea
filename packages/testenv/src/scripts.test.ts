import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

describe('the scripts that set up machines', () => {
  it.each(['packages/testenv/scripts/build-binaries.sh', 'scripts/setup-system.sh'])('%s passes shellcheck', (script) => {
    const result = spawnSync('shellcheck', ['--severity=style', join(workspaceRoot, script)], { encoding: 'utf8' });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });
});
