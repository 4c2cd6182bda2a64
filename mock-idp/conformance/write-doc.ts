/** `node dist/mock-idp/conformance/write-doc.js`: regenerates docs/conformance.md from the case definitions. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PACKAGE_PATHS } from '../core/package-paths.js';
import { CONFORMANCE_DOC_PATH, renderConformanceDoc } from './doc.js';

const file = join(PACKAGE_PATHS.root, CONFORMANCE_DOC_PATH);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderConformanceDoc());
console.log(`wrote ${file}`);
