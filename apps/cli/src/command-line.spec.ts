import { COMMANDS, type CommandName, runCommandLine } from './command-line';

/** Runs the command line as `node main.js …` would, capturing what it prints and what it runs. */
async function commandLine(args: string[], run: (command: CommandName) => Promise<number> = async () => 0) {
  let out = '';
  let err = '';
  const ran: CommandName[] = [];
  const code = await runCommandLine(
    ['node', 'main.js', ...args],
    async (command) => {
      ran.push(command);
      return run(command);
    },
    {
      invocation: 'node dist/apps/cli/src/main.js',
      output: { writeOut: (text) => (out += text), writeErr: (text) => (err += text) },
    },
  );
  return { code, out, err, ran };
}

describe('the CLI command line', () => {
  it('--help lists every command under the path the CLI really has, and exits 0', async () => {
    const { code, out, ran } = await commandLine(['--help']);
    expect(code).toBe(0);
    expect(ran).toEqual([]);
    expect(out).toContain('Usage: node dist/apps/cli/src/main.js [options] [command]');
    for (const name of COMMANDS) expect(out).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    expect(out).toContain('npm run migrate | seed | demo | start | rebuild-metrics');
  });

  it.each(COMMANDS)('"%s --help" and "help %s" describe the command without running it', async (name) => {
    for (const args of [
      [name, '--help'],
      ['help', name],
    ]) {
      const { code, out, ran } = await commandLine(args);
      expect(code).toBe(0);
      expect(ran).toEqual([]);
      expect(out).toContain(`Usage: node dist/apps/cli/src/main.js ${name} [options]`);
      // the details paragraph, not just the one-line summary
      expect(out.split('\n').length).toBeGreaterThan(6);
    }
  });

  it('runs the named command and exits with its code', async () => {
    const { code, ran } = await commandLine(['rebuild-metrics'], async () => 3);
    expect(ran).toEqual(['rebuild-metrics']);
    expect(code).toBe(3);
  });

  it('answers a usage error with exit code 2 and the help: no command, an unknown one, extra arguments', async () => {
    const none = await commandLine([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: node dist/apps/cli/src/main.js');

    const unknown = await commandLine(['sed']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'sed'");

    const extra = await commandLine(['seed', 'twice']);
    expect(extra.code).toBe(2);
    expect(extra.err).toMatch(/too many arguments/);

    const option = await commandLine(['start', '--port', '3001']);
    expect(option.code).toBe(2);
    expect(option.err).toContain("unknown option '--port'");
    for (const result of [none, unknown, extra, option]) expect(result.ran).toEqual([]);
  });

  it('lets a failing command fail the process (the caller prints it and exits 1)', async () => {
    await expect(
      commandLine(['migrate'], async () => {
        throw new Error('database unreachable');
      }),
    ).rejects.toThrow('database unreachable');
  });
});
