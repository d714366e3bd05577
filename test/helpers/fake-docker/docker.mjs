#!/usr/bin/env node
// A stand-in for the docker CLI where Docker cannot run (this CI): it keeps kind's node
// containers in a JSON file ($FAKE_DOCKER_STATE), logs every call, and answers the
// subcommands kdrill uses with docker's own output shapes and errors.
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
  if (ip && !state.userSubnet) fail('user specified IP address is supported only when connecting to networks with user configured subnets');
  container(name).networks[network] = { IPAddress: ip ?? state.nextAddress };
} else if (command === 'exec') {
  const c = container(rest[0]);
  if (!c.running) fail(`container ${rest[0]} is not running`);
  if (rest[1] !== 'sh' || rest[2] !== '-c') fail(`fake docker runs only sh -c scripts, not ${rest.slice(1).join(' ')}`);
  (c.scripts ??= []).push(rest[3]);
} else fail(`fake docker does not know: ${args.join(' ')}`);
save();
