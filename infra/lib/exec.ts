/** Running install commands: output goes to the service's install log, errors quote its tail. */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Appends stdout/stderr here instead of inheriting them. */
  logTo?: string;
  /** What the step is, for the error message. */
  what?: string;
}

/**
 * Runs a command to completion; rejects with the exit code and the last lines of its output.
 * @example await run('mvn', ['-q', 'dependency:copy-dependencies'], { cwd, logTo, what: 'kafka jars' });
 */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const take = (b: Buffer) => {
      const s = b.toString();
      out += s;
      if (out.length > 200_000) out = out.slice(-100_000);
      if (opts.logTo) appendFileSync(opts.logTo, s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => reject(new Error(`${opts.what ?? cmd}: cannot run ${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) return resolveRun(out);
      const tail = out.trim().split('\n').slice(-15).join('\n');
      reject(new Error(`${opts.what ?? cmd}: \`${cmd} ${args.join(' ')}\` exited with ${code}\n${tail}`));
    });
  });
}

/** The absolute path of an executable on PATH (or undefined). */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

/** The last `n` lines of a file ('' when missing), for error messages. */
export function tail(file: string, n = 20, from = 0): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').slice(from).trim().split('\n').slice(-n).join('\n');
}
