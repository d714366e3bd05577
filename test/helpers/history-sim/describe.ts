import type { Effect, Script } from './script.js';

// One line per part of a history, for a failing property's message: enough to see what
// happened without rerunning it (rerun with KDRILL_SIM_SEED=<seed>).
const ms = (x: number): string => (Number.isFinite(x) ? `${Math.round(x)}` : String(x));
const rel = (x: number, t0: number): string => `t0+${ms(x - t0)}`;

function effect(e: Effect, t0: number): string {
  switch (e.kind) {
    case 'none':
    case 'replica-cut':
      return e.kind;
    case 'crash-restart':
      return `crash-restart up@${rel(e.restartAt, t0)}`;
    case 'crash-failover':
      return `crash-failover →${e.to} promote@${rel(e.promoteAt, t0)} route@${rel(e.routeAt, t0)}`;
    case 'freeze':
      return e.failover
        ? `freeze thaw@${rel(e.thawAt, t0)} →${e.failover.to} promote@${rel(e.failover.promoteAt, t0)} route@${rel(e.failover.routeAt, t0)} demote@${rel(e.failover.demoteAt, t0)}`
        : `freeze thaw@${rel(e.thawAt, t0)}`;
    case 'read-only':
      return `read-only restart ${ms(e.restartMs)}ms until@${rel(e.until, t0)}`;
    case 'split-brain':
      return `split-brain →${e.to} promote@${rel(e.promoteAt, t0)} spread@${rel(e.routeAt, t0)} fence@${rel(e.fenceAt, t0)}`;
  }
}

export function describeScript(s: Script): string {
  const l = s.load;
  const lines = [
    `seed ${s.seed}: rate ${l.rate}/s × ${l.concurrency}, write timeout ${l.writeTimeoutMs} ms, latency ${l.latencyMs.toFixed(2)} ms, connect ${l.connectMs.toFixed(1)} ms, lag ${s.lagMs.toFixed(1)} ms, stability ${s.stabilityWindowMs} ms, load ${ms(l.startAt)}…${ms(l.stopAt)}${l.abandonInFlight ? ' (last in-flight writes never reported)' : ''}, primary ${s.initialPrimary}`,
    ...s.faults.map(
      (f) =>
        `  ${f.id} (${f.type} on ${f.target}${f.expectNoImpact ? ', expect no-impact' : ''}): armed ${ms(f.armedAt)}, t0 ${ms(f.t0)}, ${effect(f.effect, f.t0)}, restored@${rel(f.restoredAt, f.t0)}` +
        `${f.injectedAt !== f.t0 ? `, injected@${rel(f.injectedAt, f.t0)}` : ''}, reverted@${rel(f.revertedAt, f.t0)}${f.heal ? `, heal stall @${rel(f.heal.at, f.t0)} for ${ms(f.heal.lengthMs)} ms` : ''}`,
    ),
    ...s.blips.map((b) => `  blip (${b.mode}) at ${ms(b.at)} for ${ms(b.lengthMs)} ms`),
    ...(s.outliers.length ? [`  slow writes: ${s.outliers.map((o) => `${ms(o.at)} +${ms(o.extraMs)} ms`).join(', ')}`] : []),
  ];
  return lines.join('\n');
}
