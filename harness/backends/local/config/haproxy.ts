import type { AddressPlan } from '../address-plan.js';
import { PATRONI_PORT, PG_PORT } from './patroni.js';

// HAProxy plays the Kubernetes Services: read-write follows the primary (Patroni's /primary
// health check), read-only spreads over the replicas (/replica). Both on loopback ports.
// Like a Service's readiness probe, a server is taken out only when its checks fail, not when
// they are slow: a check may take 10 s (`timeout check`), so a primary frozen for a few seconds
// keeps its connections and its clients' writes resume when it thaws (a crashed or cut-off
// server still fails its check at once, or at the 2 s connect timeout). A server that is down
// is checked every 100 ms (`downinter`), so a new or returning primary is taken in within
// about 100 ms of answering: measured outages end when the server's, not the proxy's, do.
export function haproxyConfig(plan: AddressPlan): string {
  const servers = (check: string) =>
    plan.nodes.map((n) => `  server ${n.name} ${n.address}:${PG_PORT} maxconn 200 check port ${PATRONI_PORT}`).join('\n') + `\n  # ${check}`;
  return `global
  maxconn 1000
defaults
  mode tcp
  timeout connect 2s
  timeout client 30m
  timeout server 30m
  timeout check 10s
listen stats
  mode http
  bind 127.0.0.1:${plan.ports.haproxyStats}
  stats enable
  stats uri /
listen primary
  bind 127.0.0.1:${plan.ports.readWrite}
  option httpchk GET /primary
  http-check expect status 200
  default-server inter 500ms downinter 100ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers('read-write: only the member whose /primary answers 200')}
listen replicas
  bind 127.0.0.1:${plan.ports.readOnly}
  balance roundrobin
  option httpchk GET /replica
  http-check expect status 200
  default-server inter 500ms downinter 100ms fall 2 rise 1 on-marked-down shutdown-sessions
${servers('read-only: members whose /replica answers 200')}
`;
}
