// The one table of exit codes (k6 errext/exitcodes). A missed target is a result, not a crash.
export const ExitCode = {
  passed: 0,
  harnessError: 1,
  invalidInput: 2,
  targetsMissed: 3,
  integrityFailed: 4,
  aborted: 5,
  interrupted: 6,
  cleanupIncomplete: 7,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'passed: every target met and every verification passed',
  1: 'harness error: kdrill itself failed (see the message and the journal)',
  2: 'invalid input: a scenario, the command line, or a journal or history read back is wrong or damaged; nothing was touched',
  3: 'targets missed: the drill ran, but RPO or RTO missed the tier targets',
  4: 'integrity failed: lost, duplicate or phantom rows, or a failed data check',
  5: 'aborted: an abort condition stopped the drill early; faults were reverted',
  6: 'interrupted: SIGINT or SIGTERM stopped the drill; faults were reverted',
  7: 'cleanup incomplete: faults may still be armed; run `kdrill cleanup`',
};
