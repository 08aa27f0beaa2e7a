/**
 * Test fixture: a process that owns a run (starts its bus, and with it the
 * embedded nats-server) and does nothing else, so tests can kill it.
 *   node dist/runtime/testing/runOwner.js RUN_DIR RUN [LISTEN_HOST]
 * Prints one JSON line {pid, serverPid, nats, ownerNats} when ready; closes
 * the run on SIGTERM.
 */
import { startBus } from '../start.js';

const [runDir, run, listen] = process.argv.slice(2);
if (!runDir || !run) {
  console.error('usage: runOwner RUN_DIR RUN [LISTEN_HOST]');
  process.exit(2);
}
const { bus, info, server } = await startBus({ runDir, run, ...(listen ? { listen } : {}) });
console.log(JSON.stringify({ pid: process.pid, serverPid: server?.pid, nats: info.nats, ownerNats: server?.url('owner') }));
process.once('SIGTERM', () => {
  void bus.close().then(() => process.exit(0));
});
