import type { RunOpts } from './commands/run.js';
import { Command, CommanderError, Option } from 'commander';
import { REPORT_FORMATS } from '../scenario/schema/report.js';
import type { ClusterOpts } from './commands/cluster.js';
import type { HistoryOpts } from './commands/history.js';
import { reportError, exitCodeForError } from './errors-to-exit.js';
import { EXIT_CODE_MEANINGS, ExitCode } from './exit-codes.js';
import { processOutput, type Output } from './output.js';
import { KDRILL_VERSION } from './version.js';


const EXIT_CODES_HELP = `\nExit codes:\n${Object.entries(EXIT_CODE_MEANINGS)
  .map(([code, meaning]) => `  ${code}  ${meaning}`)
  .join('\n')}\n`;

// argv → command → exit code. Nothing here decides outcomes; it only wires and classifies.
export function buildProgram(output: Output, setExit: (code: number) => void): Command {
  const program = new Command('kdrill')
    .description('Chaos and disaster-recovery drills for stateful workloads: measure the RPO and RTO you actually achieve.')
    .version(KDRILL_VERSION, '-V, --version')
    .option('--verbose', 'print stack traces of internal errors')
    .option('--kubeconfig <file>', 'the kubeconfig of the kubernetes backend (the same as $KUBECONFIG; a scenario never names one)')
    .hook('preAction', (command) => {
      const kubeconfig = command.opts()['kubeconfig'] as string | undefined;
      if (kubeconfig) process.env.KUBECONFIG = kubeconfig;
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => output.out(s.replace(/\n$/, '')), writeErr: (s) => output.err(s.replace(/\n$/, '')) });

  const wrap =
    <A extends unknown[]>(fn: (...args: A) => Promise<number>) =>
    async (...args: A) => setExit(await fn(...args));
  // Each command's module is loaded when it runs: `validate` must not pay for the Kubernetes
  // client, the engine and the report renderers it never uses.
  const validateCommand = async (...a: Parameters<typeof import('./commands/validate.js').validateCommand>) => (await import('./commands/validate.js')).validateCommand(...a);
  const planCommand = async (...a: Parameters<typeof import('./commands/plan.js').planCommand>) => (await import('./commands/plan.js')).planCommand(...a);
  const runCommand = async (...a: Parameters<typeof import('./commands/run.js').runCommand>) => (await import('./commands/run.js')).runCommand(...a);
  const reportCommand = async (...a: Parameters<typeof import('./commands/report.js').reportCommand>) => (await import('./commands/report.js')).reportCommand(...a);
  const cleanupCommand = async (...a: Parameters<typeof import('./commands/cleanup.js').cleanupCommand>) => (await import('./commands/cleanup.js')).cleanupCommand(...a);
  const historyCommand = async (...a: Parameters<typeof import('./commands/history.js').historyCommand>) => (await import('./commands/history.js')).historyCommand(...a);
  const clusterCommand = async (...a: Parameters<typeof import('./commands/cluster.js').clusterCommand>) => (await import('./commands/cluster.js')).clusterCommand(...a);
  const doctorCommand = async (...a: Parameters<typeof import('./commands/doctor-command.js').doctorCommand>) => (await import('./commands/doctor-command.js')).doctorCommand(...a);
  const schemaCommand = async (...a: Parameters<typeof import('./commands/schema.js').schemaCommand>) => (await import('./commands/schema.js')).schemaCommand(...a);

  program
    .command('validate')
    .description('check scenario files; every problem of every file is reported with file:line:column')
    .argument('<files...>', 'scenario files')
    .option('--json', 'print the result as JSON')
    .option('--allow-dir <dir...>', "directories besides the scenario's own that files it names (tier policy, topology, k6 script) may come from")
    .action(wrap((files: string[], opts: { json?: boolean; allowDir?: string[] }) => validateCommand(files, opts, output)));

  program
    .command('plan')
    .description('dry run: print the timeline, what will be touched and which targets will be judged')
    .argument('<scenario>', 'scenario file')
    .option('--json', 'print the plan as JSON')
    .option('--allow-dir <dir...>', "directories besides the scenario's own that files it names (tier policy, topology, k6 script) may come from")
    .action(wrap((file: string, opts: { json?: boolean; allowDir?: string[] }) => planCommand(file, opts, output)));

  program
    .command('run')
    .description('run a drill: journal, ledger, result.json and reports go to the run directory')
    .argument('<scenario>', 'scenario file')
    .option('-o, --out <run-dir>', 'run directory (default: reports/<time>-<scenario>)')
    .option('--dry-run', 'print the plan and everything that would be created, then stop')
    .option('--non-interactive', 'never wait for a facilitator at checkpoints (default when stdin is not a TTY)')
    .option('--keep-restored', 'keep the instances restore steps create, to inspect them (`kdrill cleanup` removes them later)')
    .option('--allow-dir <dir...>', "directories besides the scenario's own that files it names (tier policy, topology, k6 script) may come from")
    .action(wrap((file: string, opts: RunOpts) => runCommand(file, opts, output)));

  program
    .command('report')
    .description("re-render a run's reports from its journal alone")
    .argument('<run-dir>', 'a run directory holding journal.jsonl')
    .addOption(new Option('-f, --format <format...>', 'formats to render').choices([...REPORT_FORMATS]).default(['json']))
    .option('-o, --out <dir>', 'where to write the reports (default: the run directory)')
    .action(wrap((dir: string, opts: { format: string[]; out?: string }) => reportCommand(dir, opts, output)));

  program
    .command('cleanup')
    .description('revert every fault a crashed or killed run left armed, from its journal')
    .option('-r, --reports <dir>', 'where run directories live', 'reports')
    .option('--run <run-dir>', 'clean up only this run directory')
    .action(wrap((opts: { reports: string; run?: string }) => cleanupCommand(opts, output)));

  program
    .command('history')
    .description('trends of RTO and RPO per scenario across runs, and regressions of the latest run')
    .option('-r, --reports <dir>', 'where run directories and history.jsonl live', 'reports')
    .option('-s, --scenario <name>', 'only this scenario')
    .option('-n, --last <runs>', 'runs shown per scenario', '10')
    .option('--fail-on-regression', 'exit 3 when the latest run of a scenario regressed (for CI)')
    .action(wrap((opts: HistoryOpts) => historyCommand(opts, output)));

  const cluster = program.command('cluster').description('create, inspect and remove the cluster a backend drills');
  cluster
    .command('up')
    .description('create the cluster and wait until it is healthy (one primary, every replica streaming)')
    .addOption(new Option('-b, --backend <backend>', 'which backend').choices(['local', 'kind']).default('local'))
    .option('-t, --topology <file>', 'topology file (default: the three-zone topology shipped in fixtures/topologies)')
    .addOption(new Option('--dcs <protocol>', "Patroni's DCS protocol").choices(['etcd', 'etcd3']).default('etcd'))
    .addOption(new Option('--profile <profile>', 'Patroni timing: fast (ttl 10s) or default (ttl 30s)').choices(['fast', 'default']).default('default'))
    .option('--synchronous', 'synchronous replication (as tier0 drills run it)')
    .option('--loopback', 'every node on its own 127.18.x address instead of a network namespace (no root needed; process faults only)')
    .option('--ha', 'kind: three control-plane nodes (a three-member etcd, for etcd quorum drills)')
    .option('--dry-run', 'kind: print the commands it would run and every object it would create, then stop')
    .action(wrap((opts: ClusterOpts) => clusterCommand('up', opts, output)));
  cluster
    .command('down')
    .description('remove every namespace, link, process and data directory of local clusters, or delete the kind cluster')
    .addOption(new Option('-b, --backend <backend>', 'which backend').choices(['local', 'kind']).default('local'))
    .option('--ha', 'kind: the three-control-plane cluster')
    .action(wrap((opts: ClusterOpts) => clusterCommand('down', opts, output)));
  cluster
    .command('status')
    .description('show zones, nodes, members, roles, timeline and replication lag')
    .addOption(new Option('-b, --backend <backend>', 'which backend').choices(['local', 'kind']).default('local'))
    .option('--ha', 'kind: the three-control-plane cluster')
    .option('--json', 'print the status as JSON')
    .action(wrap((opts: ClusterOpts) => clusterCommand('status', opts, output)));

  program
    .command('doctor')
    .description('what is installed, what is missing, and whether network namespaces can be created')
    .option('--json', 'print the report as JSON')
    .action(wrap((opts: { json?: boolean }) => doctorCommand(opts, output)));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(wrap(() => schemaCommand(output)));

  return program;
}

export async function main(argv: string[], output: Output = processOutput): Promise<number> {
  let code: number = ExitCode.passed;
  const program = buildProgram(output, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage mistakes are invalid input.
      return error.exitCode === 0 ? ExitCode.passed : ExitCode.invalidInput;
    }
    reportError(error, output, Boolean(program.opts()['verbose']));
    return exitCodeForError(error);
  }
}
