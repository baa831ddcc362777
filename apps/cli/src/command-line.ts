import { Command, CommanderError, type OutputConfiguration } from 'commander';

export const COMMANDS = ['migrate', 'seed', 'demo', 'start', 'rebuild-metrics'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** What each command does, as `--help` tells it: a line for the list, details for its own page. */
const HELP: Record<CommandName, { summary: string; details: string }> = {
  migrate: {
    summary: 'create the database if it is missing and apply pending migrations',
    details: `
Creates the database named in DATABASE_URL when it does not exist, then applies the migrations
not yet applied and names them. Reads only DATABASE_URL.`,
  },
  seed: {
    summary: 'migrate, then seed the Thái Nguyên demo catalogue (re-runnable)',
    details: `
Migrates, then adds the demo catalogue through the connector's own services: 53 producers, their
products with SKUs, and each product's OCOP rating history. Producers and products are matched by
name, so a second run adds nothing. Prints a line as it goes through the producers and, at the end,
a JSON summary of what was there and what this run added. Needs the full environment
(ADMIN_API_KEY and CREDENTIALS_KEY too; see .env.example).`,
  },
  demo: {
    summary: 'migrate, seed, then run the API, the worker and the sandbox marketplaces',
    details: `
Generates ADMIN_API_KEY and CREDENTIALS_KEY into .env when they are unset, migrates and seeds,
starts the sandbox marketplaces and the API, opens a shop on each sandbox marketplace for every
producer and connects it, starts the worker, places two years of buyer orders through the sandbox
and waits until they are imported, then prints the province report, the OCOP uplift and the
addresses to open (API, /docs, /app/, /admin/queues). Runs until Ctrl-C. Logs at warn unless
LOG_LEVEL says otherwise.`,
  },
  start: {
    summary: 'run the API and the worker (no migration, no seed) until Ctrl-C or SIGTERM',
    details: `
Runs the API and the worker side by side; a signal stops both gracefully, and one stopping stops
the other with its exit code. Apply migrations first (migrate).`,
  },
  'rebuild-metrics': {
    summary: 'recompute the sales roll-ups from the orders (one transaction)',
    details: `
Migrates, then recomputes the daily product and producer roll-ups and the monthly producer
roll-up from the orders, in one transaction: reports read the old figures until the new ones are
whole. Prints each step with the rows it wrote.`,
  },
};

const FOOTER = `
Through npm, which builds first: npm run migrate | seed | demo | start | rebuild-metrics.
Settings come from the environment and a .env file in the project folder (see .env.example and
docs/operations.md).`;

/**
 * Parses the command line and runs the one command it names, answering the exit code: the
 * command's own, 0 for help, 2 for a command line that names no command, an unknown one or
 * arguments a command does not take (the conventional code for a usage error).
 */
export async function runCommandLine(
  argv: readonly string[],
  run: (command: CommandName) => Promise<number>,
  options: { invocation: string; output?: OutputConfiguration },
): Promise<number> {
  let code = 0;
  const program = new Command()
    .name(options.invocation)
    .description('The OCOP marketplace connector: database set-up, demo data and processes.')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', FOOTER);
  if (options.output) program.configureOutput(options.output);
  for (const name of COMMANDS) {
    program
      .command(name)
      .description(HELP[name].summary)
      .addHelpText('after', HELP[name].details)
      .action(async () => {
        code = await run(name);
      });
  }
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  return code;
}
