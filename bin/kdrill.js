#!/usr/bin/env node
// kdrill command line: runs the compiled CLI in dist/ (built from harness/ by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('kdrill is not built: run `npm run build` (or `bash scripts/setup`)');
  process.exit(1);
}
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  // tsc emits what compiles even when the build fails: a half-built dist/ must say so plainly.
  const missing = error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.url ?? error.message).includes('/dist/');
  if (!missing) throw error;
  console.error(`kdrill is not built completely (${error.message.split(' imported from')[0]}): run \`npm run build\``);
  process.exit(1);
}
if (typeof cli.main === 'function') {
  // exitCode, not exit(): let pending stdout writes (large JSON) drain first.
  process.exitCode = await cli.main(process.argv.slice(2));
}
