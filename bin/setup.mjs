#!/usr/bin/env node
/**
 * Makes `npm test` and `npm run swarm` work on a fresh clone by themselves:
 * installs the npm dependencies when they are missing, and `nats-server`
 * (the message bus every run uses) from Debian's packages when it is not on
 * the PATH and this process may install system packages (root with apt-get).
 * Plain JavaScript, because it runs before TypeScript is installed.
 * Optional tools the tests skip without (pandas, XGBoost, Chromium) are only
 * named; `.ci/run` installs them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repo, stdio: 'inherit' });
  return result.status === 0;
}

function onPath(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

const dependenciesInstalled = ['typescript', 'assemblyscript', 'vitest', 'xstate', 'nats', '@langchain/langgraph'].every((name) => existsSync(join(repo, 'node_modules', name, 'package.json')));
if (!dependenciesInstalled) {
  console.error('alphaswarm setup: installing npm dependencies (npm install)');
  if (!run('npm', ['install', '--no-audit', '--no-fund'])) {
    console.error('alphaswarm setup: npm install failed');
    process.exit(1);
  }
}

if (!process.env.NATS_SERVER_BIN && !onPath('nats-server')) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && onPath('apt-get')) {
    console.error("alphaswarm setup: installing nats-server from Debian's packages");
    const ok = run('apt-get', ['update', '-qq']) && run('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '-qq', 'nats-server']);
    if (!ok) console.error('alphaswarm setup: could not install nats-server; runs will say how to install it');
  } else {
    console.error('alphaswarm setup: nats-server is not on the PATH: install it (Debian: sudo apt-get install -y nats-server) or set NATS_SERVER_BIN');
  }
}
