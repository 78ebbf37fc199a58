/**
 * The `mamori` command. Thin wrappers over the module services: the same functions the API calls.
 * Errors print the catalogue's Japanese and English messages and exit non-zero.
 */
import { Command } from 'commander';
import { AppError, errorCatalogue } from '../base/errors.ts';

type Register = (program: Command) => void;

/**
 * The command groups and the top-level commands each registers. Only the group of the command asked for is
 * loaded (`mamori import …` does not load the server, the policy registers or the PDF fonts): about 0.6 s
 * less start-up for every command. Help and anything unknown load them all.
 */
const groups: [names: string[], load: () => Promise<Register>][] = [
  [['serve', 'migrate'], async () => (await import('./serve.ts')).serveCommand],
  [['audit'], async () => (await import('./audit.ts')).auditCommands],
  [['anonymize'], async () => (await import('./anonymize.ts')).anonymizeCommands],
  [['backup', 'restore'], async () => (await import('./backup.ts')).backupCommands],
  [['demo'], async () => (await import('./demo.ts')).demoCommands],
  [['deliveries'], async () => (await import('./deliveries.ts')).deliveriesCommands],
  [['users', 'keys'], async () => (await import('./admin.ts')).adminCommands],
  [['handovers'], async () => (await import('./handovers.ts')).handoverCommands],
  [['import'], async () => (await import('./import.ts')).importCommands],
  [['jobs'], async () => (await import('./jobs.ts')).jobCommands],
  [['ledger'], async () => (await import('./ledger.ts')).ledgerCommands],
  [['members'], async () => (await import('./members.ts')).memberCommands],
  [['orgs'], async () => (await import('./organizations.ts')).organizationCommands],
  [['policy'], async () => (await import('./policy.ts')).policyCommands],
  [['pseudonymize'], async () => (await import('./pseudonymize.ts')).pseudonymizeCommands],
  [['provision'], async () => (await import('./provision.ts')).provisionCommands],
  [['requests'], async () => (await import('./requests.ts')).requestCommands],
  [['systems'], async () => (await import('./systems.ts')).systemsCommands],
];

const program = new Command('mamori')
  .description('mamori — 生協の個人情報保護マネジメントシステム / personal-information protection for co-ops')
  .showHelpAfterError();

const asked = groups.find(([names]) => names.includes(process.argv[2] ?? ''));
for (const register of await Promise.all((asked ? [asked] : groups).map(([, load]) => load()))) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof AppError) {
    const [, ja, en] = errorCatalogue[error.code];
    console.error(`エラー [${error.code}] ${ja}\nError [${error.code}] ${en}`);
    // The detail a service gave (a tool's message, the file concerned), when it says more than the catalogue.
    if (error.message !== en) console.error(`  ${error.message}`);
    for (const i of error.issues ?? []) console.error(`  - ${i.field}: ${i.message_ja} / ${i.message_en}`);
  } else {
    console.error(`エラー / Error: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = process.exitCode || 1;
}
