import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { ErrorCode, KdrillError } from '../../common/errors.js';
import { ALLURE_DIR, allureReporter } from '../allure/index.js';
import type { Reporter } from '../types.js';

export const ALLURE_SITE_DIR = 'allure-report';
const GENERATE_WITHIN_MS = 5 * 60_000;

// The Allure command line as the allure-commandline package ships it (it runs on Java).
function allureCommand(): string {
  const pkg = createRequire(import.meta.url).resolve('allure-commandline/package.json');
  return path.join(path.dirname(pkg), 'dist', 'bin', 'allure');
}

/**
 * The Allure site for the run: the allure results (as the `allure` format writes them), then
 * `allure generate --single-file`, so `allure-report/index.html` opens from disk with no server.
 * @throws KdrillError INTERNAL when Java is missing or Allure fails, with its own words and a hint
 */
export const allureHtmlReporter: Reporter = {
  format: 'allure-html',
  async render(input, outDir) {
    const results = await allureReporter.render(input, outDir);
    const site = path.join(outDir, ALLURE_SITE_DIR);
    try {
      await promisify(execFile)(allureCommand(), ['generate', '--clean', '--single-file', '--output', site, path.join(outDir, ALLURE_DIR)], { timeout: GENERATE_WITHIN_MS, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const e = error as { code?: unknown; stderr?: string; stdout?: string; message: string };
      const said = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-3).join(' | ') || e.message;
      const hint = /JAVA_HOME|java: not found|No such file or directory.*java/i.test(said) ? 'install Java 8 or later (Debian: default-jre-headless), or set JAVA_HOME' : 'run `npm ci` to restore allure-commandline';
      throw new KdrillError(ErrorCode.INTERNAL, `allure generate failed: ${said}`, { hint });
    }
    return [...results, path.join(site, 'index.html')];
  },
};
