// CLI entry: `probity <command>`. Every command reads the same configuration as the server.
import { Command } from 'commander';
import { registerRegistryCommands } from './cli/registry-cli.ts';
import { action } from './cli/runtime.ts';
import { serve } from './cli/serve.ts';
import { registerNlpCommands } from './features/nlp/cli.ts';
import { registerRatingsCommands } from './features/ratings/cli.ts';
import { registerLedgerCommands } from './ledger/cli.ts';
import { registerScoringCommands } from './features/scoring/cli.ts';
import { registerIntegrityCommands } from './features/integrity/cli.ts';
import { registerMetricsCommands } from './features/metrics/cli.ts';

const program = new Command()
  .name('probity')
  .description('Probity — 政务诚信与作风建设考核评估平台 (government integrity and work-style assessment)')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(`probity: ${str.replace(/^error: /, '')}`) });

program.command('serve').description('run the server (default 127.0.0.1:8080; see README for configuration)').action(action(serve));
registerRegistryCommands(program);
registerLedgerCommands(program);
registerNlpCommands(program);
registerScoringCommands(program);
registerMetricsCommands(program);
registerIntegrityCommands(program);
registerRatingsCommands(program);

program.exitOverride((err) => {
  process.exit(err.exitCode === 0 ? 0 : 2);
});
await program.parseAsync(process.argv);
