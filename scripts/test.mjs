// `npm test`: installs what is missing, then checks types, lint and every project's tests (unit and integration
// against the real environment), and ends with one plain summary line "N passed, N failed".
import { ensureSystemTools, ensureWorkspaceInstalled, handOver, workspaceRoot } from './bootstrap.mjs';
import { join } from 'node:path';

ensureWorkspaceInstalled();
ensureSystemTools();
handOver(join(workspaceRoot, 'scripts', 'run-tests.mjs'), process.argv.slice(2));
