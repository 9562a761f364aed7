// Process entry: wires the CLI to stdin/stdout, signals and the exit code.
import { main } from './main.js';

const controller = new AbortController();
let interrupts = 0;
const onSignal = (sig: NodeJS.Signals) => {
  interrupts++;
  if (interrupts > 1) process.exit(130);
  process.stderr.write(`\n${sig}: stopping; in-flight requests are abandoned and the run stays resumable (again to force)\n`);
  controller.abort(new Error(`interrupted by ${sig}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

// A closed pipe (`outbound sample | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const write = (stream: NodeJS.WriteStream) => (s: string) => {
  stream.write(s);
};

main(process.argv.slice(2), {
  stdout: write(process.stdout),
  stderr: write(process.stderr),
  env: process.env,
  isTTY: process.stderr.isTTY === true,
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
    // Let stdout drain, then leave even if a keep-alive socket lingers.
    process.stdout.write('', () => process.exit(code));
  },
  (err: unknown) => {
    process.stderr.write(`outbound: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(70);
  },
);
