// Writes fixtures/kubernetes/postgres.yaml from the fixture's builders.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureManifest } from '../harness/backends/kubernetes/kind/manifest.js';

const file = path.join(import.meta.dirname, '../fixtures/kubernetes/postgres.yaml');
writeFileSync(file, fixtureManifest());
console.log(`wrote ${file}`);
