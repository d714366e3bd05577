import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The ledger driver and everything it imports (pg included) as one CommonJS file that any
// Node.js 18+ runs with no node_modules: what a stock image mounts from a ConfigMap.
export async function bundleLedgerDriver(): Promise<string> {
  const { build } = await import('esbuild');
  // Compiled: entry.js beside this file; from the sources (tests): entry.ts.
  const compiled = fileURLToPath(new URL('./entry.js', import.meta.url));
  const entry = existsSync(compiled) ? compiled : fileURLToPath(new URL('./entry.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    // pg loads its native binding only when asked for it.
    external: ['pg-native'],
  });
  return result.outputFiles[0]!.text;
}
