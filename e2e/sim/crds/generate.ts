// Writes the SIMULATED infrastructure provider's CRD files next to this script from e2e/sim/crds.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderSimCrdFiles } from '../crds';

const folder = fileURLToPath(new URL('.', import.meta.url));
for (const [name, content] of renderSimCrdFiles()) writeFileSync(join(folder, name), content);
