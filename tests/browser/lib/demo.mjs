// A stack with the demo story loaded (scripts/demo.sh) for a browser test, as tests/e2e/demo.bats has one
// (tests/demo-stack.sh): the one tests/run.sh started in the background (TEST_DEMO_VAR), shared; or, run alone, one of
// the test's own in var/test-<name> on a free port, stopped when the test's process ends. The harness's sql() goes to it.
import { execFileSync } from 'node:child_process';
import { root } from './harness.mjs';

const script = `${root}/tests/demo-stack.sh`;

// demoStack(name): waits for the stack (started here when not shared); returns its address. Throws with the log on
// failure.
export async function demoStack(name) {
  const dir = process.env.TEST_DEMO_VAR || `${root}/var/test-${name}`;
  if (!process.env.TEST_DEMO_VAR) {
    const stop = () => {
      try {
        execFileSync(script, ['stop', dir], { stdio: 'ignore' });
      } catch {
        // Nothing was running.
      }
    };
    process.on('exit', stop);
    // Stopped from outside (prove interrupted): the exit handlers still stop the stack.
    for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(1));
    try {
      execFileSync(script, ['start', dir], { stdio: 'ignore' });
    } catch {
      // The wait below says why.
    }
  }
  let address;
  try {
    address = execFileSync(script, ['wait', dir], { encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch (e) {
    throw new Error(`${e.message}\n${e.stderr || ''}`);
  }
  // The harness's sql() runs the stack script with this process's environment.
  process.env.VAR = dir;
  return address;
}
