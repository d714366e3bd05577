#!/usr/bin/env node
// A stand-in for the docker CLI where Docker cannot run (this CI): it keeps kind's node
// containers in a JSON file ($FAKE_DOCKER_STATE), logs every call, and answers the
// subcommands kdrill uses with docker's own output shapes and errors.
//
// Addresses on the kind network ($FAKE_DOCKER_STATE `subnet`, default 172.18.0.0/16) are
// handed out as Docker's default IPAM does: the lowest free one (the gateway .1 excepted)
// unless `--ip` asks for one, which must be free. `userSubnet: false` plays kind's network
// under Docker before 29.1: kind configures only an IPv6 subnet, so Docker refuses any
// IPv4 `--ip` there. A container that joined with `--ip` keeps its address across a
// restart; any other gets the lowest free one again (usually the same).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const file = process.env.FAKE_DOCKER_STATE;
const state = JSON.parse(readFileSync(file, 'utf8'));
const args = process.argv.slice(2);
appendFileSync(`${file}.log`, `${args.join(' ')}\n`);
const save = () => writeFileSync(file, JSON.stringify(state));
const fail = (message) => {
  process.stderr.write(`Error response from daemon: ${message}\n`);
  process.exit(1);
};
const container = (name) => state.containers[name] ?? fail(`No such container: ${name}`);

// IPv4 addresses as numbers, for the subnet arithmetic.
const toNumber = (ip) => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
const toAddress = (n) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const [base, bits] = (state.subnet ?? '172.18.0.0/16').split('/');
const start = toNumber(base);
const size = 2 ** (32 - Number(bits));
const inSubnet = (ip) => toNumber(ip) >= start && toNumber(ip) < start + size;
// In use on `network`: every other container's address there, and the gateway's (.1).
const taken = (network, except) => new Set([toAddress(start + 1), ...Object.entries(state.containers).filter(([name]) => name !== except).map(([, c]) => c.networks[network]?.IPAddress).filter(Boolean)]);
const lowestFree = (network, except) => {
  const used = taken(network, except);
  for (let n = start + 1; n < start + size - 1; n++) if (!used.has(toAddress(n))) return toAddress(n);
  return fail(`no available IPv4 addresses on this network's address pools: ${network}`);
};

const [command, ...rest] = args;
if (command === 'inspect') {
  const [, format, name] = rest;
  const c = container(name);
  if (format.startsWith('{{json .State}}')) process.stdout.write(`${JSON.stringify({ Running: c.running, Paused: c.paused })}|${JSON.stringify(c.networks)}\n`);
  else process.stdout.write(`${c.networks.kind?.IPAddress ?? ''}\n`);
} else if (command === 'kill') {
  const c = container(rest[rest.length - 1]);
  if (!c.running) fail(`Cannot kill container: ${rest[rest.length - 1]}: container is not running`);
  Object.assign(c, { running: false, paused: false });
} else if (command === 'start') {
  Object.assign(container(rest[0]), { running: true });
} else if (command === 'restart') {
  const c = container(rest[0]);
  for (const [network, endpoint] of Object.entries(c.networks)) if (!endpoint.IPAMConfig?.IPv4Address) endpoint.IPAddress = lowestFree(network, rest[0]);
  Object.assign(c, { running: true, paused: false, restarts: (c.restarts ?? 0) + 1 });
} else if (command === 'pause') {
  const c = container(rest[0]);
  if (c.paused) fail(`Container ${rest[0]} is already paused`);
  c.paused = true;
} else if (command === 'unpause') {
  const c = container(rest[0]);
  if (!c.paused) fail(`Container ${rest[0]} is not paused`);
  c.paused = false;
} else if (command === 'network' && rest[0] === 'disconnect') {
  const c = container(rest[2]);
  if (!c.networks[rest[1]]) fail(`container ${rest[2]} is not connected to network ${rest[1]}`);
  delete c.networks[rest[1]];
} else if (command === 'network' && rest[0] === 'connect') {
  const ip = rest[1] === '--ip' ? rest[2] : undefined;
  const [network, name] = ip ? rest.slice(3) : rest.slice(1);
  const c = container(name);
  if (c.networks[network]) fail(`endpoint with name ${name} already exists in network ${network}`);
  if (ip && !state.userSubnet) fail('user specified IP address is supported only when connecting to networks with user configured subnets');
  if (ip && !inSubnet(ip)) fail(`no configured subnet contains IP address ${ip}`);
  if (ip && taken(network, name).has(ip)) fail('Address already in use');
  c.networks[network] = ip ? { IPAddress: ip, IPAMConfig: { IPv4Address: ip } } : { IPAddress: lowestFree(network, name) };
} else if (command === 'exec') {
  const c = container(rest[0]);
  if (!c.running) fail(`container ${rest[0]} is not running`);
  if (rest[1] !== 'sh' || rest[2] !== '-c') fail(`fake docker runs only sh -c scripts, not ${rest.slice(1).join(' ')}`);
  (c.scripts ??= []).push(rest[3]);
} else fail(`fake docker does not know: ${args.join(' ')}`);
save();
