import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// Loaded before any command: harness/cli/commands/cluster.ts reaches backends/api.ts through
// an import cycle (backends/local/topology-file → scenario/load → validate → api → local)
// and fails ("Cannot access 'localBackend' before initialization") when it loads first, as
// in a fresh `kdrill cluster …` process. That defect is not what this file checks.
import '../../../../../harness/backends/api.js';
import { runCliInProcess } from '../../../../helpers/cli.js';

const ROOT = path.resolve(import.meta.dirname, '../../../../..');

interface Step { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown> }
interface Job { 'runs-on': string; needs?: unknown; if?: string; strategy?: { 'fail-fast'?: boolean; matrix?: { include?: Record<string, unknown>[] } & Record<string, unknown> }; steps: Step[] }
const workflow = parse(readFileSync(path.join(ROOT, '.github/workflows/kind-drill.yml'), 'utf8')) as { on: Record<string, unknown>; jobs: Record<string, Job> };

// One job as GitHub runs it: a matrix job once per `include` entry, each on a fresh runner,
// with `${{ matrix.x }}` replaced by the entry's value.
interface Instance { readonly label: string; readonly job: Job; readonly steps: readonly Step[] }
function instances(): Instance[] {
  return Object.entries(workflow.jobs).flatMap(([id, job]) => {
    const matrix = job.strategy?.matrix;
    if (!matrix) return [{ label: id, job, steps: job.steps }];
    const other = Object.keys(matrix).filter((k) => k !== 'include');
    if (other.length) throw new Error(`this test expands only matrix.include, not matrix.${other.join(', matrix.')}`);
    return (matrix.include ?? []).map((entry) => {
      const fill = (text: string | undefined) => text?.replace(/\$\{\{\s*matrix\.([\w-]+)\s*\}\}/g, (_, key: string) => String(entry[key] ?? ''));
      const steps = job.steps.map((s) => ({ ...s, ...(s.run ? { run: fill(s.run) } : {}), ...(s.with ? { with: JSON.parse(fill(JSON.stringify(s.with))!) as Record<string, unknown> } : {}) }));
      return { label: `${id} (${Object.values(entry).join(', ')})`, job, steps };
    });
  });
}

const kdrillLines = (step: Step): string[] => (step.run ?? '').split('\n').map((l) => l.trim().replace(/\s+/g, ' ')).filter((l) => l.startsWith('node bin/kdrill.js'));
const drills = (i: Instance) => i.steps.filter((s) => kdrillLines(s).some((c) => c.includes(' run ')));
const clusterUp = (i: Instance) => i.steps.findIndex((s) => kdrillLines(s).some((c) => c.includes('cluster up --backend kind')));
const all = instances();
const commands = [...new Set(all.flatMap((i) => i.steps.flatMap(kdrillLines)))];
const scenarioOf = (command: string) => command.split(' ')[3]!;
const tierOf = (scenario: string) => (parse(readFileSync(path.join(ROOT, scenario), 'utf8')) as { tier?: { name?: string } }).tier?.name;

// GitHub runs this workflow; here it is checked for what can be checked without Docker:
// every kdrill command it runs parses, every scenario it names validates, and each drill
// gets the cluster, the runner settings and the independence it needs.
describe('.github/workflows/kind-drill.yml', () => {
  it('runs the tier0 zone outage, the monthly restore check and the etcd restore on kind', () => {
    expect(commands.filter((c) => c.includes(' run ')).sort()).toEqual([
      'node bin/kdrill.js run scenarios/kubernetes/etcd-restore.yaml --out reports/k8s-etcd-restore --non-interactive',
      'node bin/kdrill.js run scenarios/kubernetes/restore-check.yaml --out reports/k8s-restore-check --non-interactive',
      'node bin/kdrill.js run scenarios/kubernetes/tier0-zone-outage.yaml --out reports/k8s-tier0-zone-outage --non-interactive',
    ]);
  });

  // tier0 promises no acknowledged write lost; an asynchronous cluster loses the writes the
  // replicas had not received when the primary's zone went down.
  it('runs every tier0 drill on a cluster its own job created with --synchronous', async () => {
    const tier0 = all.flatMap((i) => drills(i).flatMap(kdrillLines).filter((c) => c.includes(' run ') && tierOf(scenarioOf(c)) === 'tier0').map((c) => ({ i, c })));
    expect(tier0.map(({ c }) => scenarioOf(c))).toEqual(['scenarios/kubernetes/tier0-zone-outage.yaml']);
    for (const { i, c } of tier0) {
      const up = clusterUp(i);
      expect(up, `${i.label}: no cluster up before ${c}`).toBeGreaterThanOrEqual(0);
      expect(up).toBeLessThan(i.steps.findIndex((s) => kdrillLines(s).includes(c)));
      const line = kdrillLines(i.steps[up]!).find((l) => l.includes('cluster up'))!;
      expect(line.split(' '), i.label).toContain('--synchronous');
      // What the flag does for kind: Patroni's synchronous mode in the fixture's configuration.
      const dryRun = await runCliInProcess([...line.replace('node bin/kdrill.js ', '').split(' '), '--dry-run']);
      expect(dryRun.code, dryRun.stderr).toBe(0);
      expect(dryRun.stdout).toMatch(/synchronous_mode: true/);
    }
  });

  it('lets no drill failing skip or cancel another', () => {
    for (const [id, job] of Object.entries(workflow.jobs)) {
      if ((job.strategy?.matrix?.include?.length ?? 0) > 1) expect(job.strategy?.['fail-fast'], `${id}: a failing matrix job cancels the others unless fail-fast is false`).toBe(false);
      if (job.needs !== undefined) expect(job.if ?? '', `${id} needs another job: skipped when it fails`).toMatch(/always\(\)|!cancelled\(\)/);
    }
    for (const i of all) for (const step of drills(i).slice(1)) expect(step.if ?? '', `${i.label}: ${step.name} is skipped when an earlier drill fails`).toMatch(/always\(\)|!cancelled\(\)/);
    expect(all.flatMap(drills)).toHaveLength(3);
  });

  it('uploads every drill’s reports whatever the outcome, each under its own name, and deletes the cluster last', () => {
    const names: unknown[] = [];
    for (const i of all.filter((x) => drills(x).length > 0)) {
      const upload = i.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
      expect(upload, i.label).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
      names.push(upload!.with!.name);
      expect(i.steps.at(-1), i.label).toMatchObject({ if: 'always()' });
      expect(i.steps.at(-1)!.run).toContain('cluster down --backend kind');
    }
    // upload-artifact v4 refuses a second artifact of the same name in a run (409 Conflict).
    expect(new Set(names).size).toBe(names.length);
  });

  // kind's known issues: Ubuntu's defaults (8192 watches, 128 instances) are too few for a
  // cluster of many nodes; kind's own figures are 524288 and 512.
  it('raises the inotify limits before creating the seven-node cluster', () => {
    const setting = (text: string, key: string) => Number(new RegExp(`${key.replace(/\./g, '\\.')}\\s*=\\s*(\\d+)`).exec(text)?.[1] ?? 0);
    for (const i of all.filter((x) => clusterUp(x) >= 0)) {
      const before = i.steps.slice(0, clusterUp(i)).filter((s) => /\bsysctl\b/.test(s.run ?? '')).map((s) => s.run!).join('\n');
      expect(setting(before, 'fs.inotify.max_user_watches'), i.label).toBeGreaterThanOrEqual(524288);
      expect(setting(before, 'fs.inotify.max_user_instances'), i.label).toBeGreaterThanOrEqual(512);
    }
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
