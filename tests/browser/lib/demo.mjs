// A stack of a browser test's own with the demo story loaded (scripts/demo.sh), as tests/e2e/demo.bats starts one:
// state in var/test-<name>, a free port; the harness's sql() goes to it; stopped when the test's process ends.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
import { root } from './harness.mjs';

const stack = process.env.STACK || `${root}/scripts/stack.sh`;

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// demoStack(name): starts the stack and loads the story; returns its address. Throws with the log on failure.
export async function demoStack(name) {
  const env = { ...process.env, VAR: `${root}/var/test-${name}`, DEMO: '1', WORKERS: '1',
    EXTRA_CONF: `${root}/tests/stack-test.conf`, PORT: String(await freePort()) };
  const stop = () => {
    try {
      execFileSync(stack, ['stop'], { env, stdio: 'ignore' });
    } catch {
      // Nothing was running.
    }
  };
  stop();
  rmSync(env.VAR, { recursive: true, force: true });
  process.on('exit', stop);
  // Stopped from outside (prove interrupted): the exit handlers still stop the stack.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
  try {
    execFileSync(stack, ['start'], { env, encoding: 'utf8', stdio: 'pipe' });
    execFileSync(`${root}/scripts/demo.sh`, [], { env, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    throw new Error(`${e.message}\n${e.stdout || ''}${e.stderr || ''}`);
  }
  // The harness's sql() runs the stack script with this process's environment.
  process.env.VAR = env.VAR;
  return `http://127.0.0.1:${env.PORT}`;
}
