/**
 * The `mamori` command. Thin wrappers over the module services: the same functions the API calls.
 * Errors print the catalogue's Japanese and English messages and exit non-zero.
 */
import { Command } from 'commander';
import { AppError, errorCatalogue } from '../app/errors.ts';
import { adminCommands } from './admin.ts';
import { auditCommands } from './audit.ts';
import { demoCommands } from './demo.ts';
import { importCommands } from './import.ts';
import { ledgerCommands } from './ledger.ts';
import { memberCommands } from './members.ts';
import { organizationCommands } from './organizations.ts';
import { policyCommands } from './policy.ts';
import { requestCommands } from './requests.ts';
import { serveCommand } from './serve.ts';

const program = new Command('mamori')
  .description('mamori — 生協の個人情報保護マネジメントシステム / personal-information protection for co-ops')
  .showHelpAfterError();

serveCommand(program);
auditCommands(program);
demoCommands(program);
adminCommands(program);
importCommands(program);
ledgerCommands(program);
memberCommands(program);
organizationCommands(program);
policyCommands(program);
requestCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof AppError) {
    const [, ja, en] = errorCatalogue[error.code];
    console.error(`エラー [${error.code}] ${ja}\nError [${error.code}] ${en}`);
    for (const i of error.issues ?? []) console.error(`  - ${i.field}: ${i.message_ja} / ${i.message_en}`);
  } else {
    console.error(`エラー / Error: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = process.exitCode || 1;
}
