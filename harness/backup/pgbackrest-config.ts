// The [global] section of every pgBackRest configuration kdrill writes: one repository kept
// by count, lz4, fast start (a backup begins with an immediate checkpoint).
export function pgbackrestGlobalSection(paths: { repo: string; log: string; lock: string; spool?: string }): string[] {
  return [
    '[global]',
    `repo1-path=${paths.repo}`,
    'repo1-retention-full=2',
    `log-path=${paths.log}`,
    `lock-path=${paths.lock}`,
    ...(paths.spool ? [`spool-path=${paths.spool}`] : []),
    'log-level-console=warn',
    'log-level-file=info',
    'start-fast=y',
    'compress-type=lz4',
  ];
}
