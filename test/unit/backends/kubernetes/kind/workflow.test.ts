import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCliInProcess } from '../../../../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../../../../..');
const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/kind-drill.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { 'runs-on': string; steps: { name?: string; run?: string; uses?: string; if?: string }[] }>;
};
const steps = workflow.jobs['kind-drill']!.steps;
const commands = steps.flatMap((s) => (s.run ?? '').split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('node bin/kdrill.js'));

// GitHub runs this workflow; here it is checked for what can be checked without Docker:
// every kdrill command it runs parses, and every scenario it names validates.
describe('.github/workflows/kind-drill.yml', () => {
  it('runs the tier0 zone outage, the monthly restore check and the etcd restore on kind and uploads the reports', () => {
    expect(commands.filter((c) => c.includes(' run '))).toEqual([
      'node bin/kdrill.js run scenarios/kubernetes/tier0-zone-outage.yaml --out reports/k8s-tier0-zone-outage --non-interactive',
      'node bin/kdrill.js run scenarios/kubernetes/restore-check.yaml --out reports/k8s-restore-check --non-interactive',
      'node bin/kdrill.js run scenarios/kubernetes/etcd-restore.yaml --out reports/k8s-etcd-restore --non-interactive',
    ]);
    expect(steps.find((s) => s.uses?.startsWith('actions/upload-artifact'))).toMatchObject({ if: 'always()' });
    expect(steps.at(-1)).toMatchObject({ if: 'always()' });
    expect(steps.at(-1)!.run).toContain('cluster down --backend kind');
  });

  it.each(commands.map((c) => [c]))('`%s` is a command kdrill accepts', async (command) => {
    const args = command.replace('node bin/kdrill.js ', '').split(' ').filter((a) => a !== '||' && a !== 'true');
    for (const file of args.filter((a) => a.endsWith('.yaml'))) expect(existsSync(path.join(ROOT, file))).toBe(true);
    const r = await runCliInProcess([args[0]!, ...(args[1] && !args[1].startsWith('-') && args[0] !== 'run' ? [args[1]] : []), '--help']);
    expect(r.code).toBe(0);
    if (args[0] === 'run') {
      const validated = await runCliInProcess(['validate', path.join(ROOT, args[1]!)]);
      expect(validated.code, validated.stderr).toBe(0);
    }
  });
});
