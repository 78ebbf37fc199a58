/**
 * A separate process that writes to the audit trail of a PostgreSQL test schema, for the sequencer's tests
 * (src/modules/audit/sequencer.test.ts). Settings come as JSON in AUDIT_WRITER:
 * - `write`: runs its own sequencer and appends `count` entries from `parallel` concurrent transactions, each
 *   also inserting an access-counter row in the same transaction (a change the entry records); exits cleanly.
 * - `queue-and-wait`: appends `count` entries with no sequencer, prints "queued", then waits to be killed.
 * - `sequence`: runs sequencer batches of `batch` entries back to back, printing "batch" as each starts.
 */
import { openDatabase } from '../../src/db/database.ts';
import { appendAuditBatch } from '../../src/modules/audit/append.ts';
import type { Actor } from '../../src/modules/audit/events.ts';
import { registerAuditMacKeys } from '../../src/modules/audit/mac.ts';
import { sequenceAuditBatch, startAuditSequencer } from '../../src/modules/audit/sequencer.ts';

interface Settings {
  url: string;
  schema: string;
  keys: { id: string; key: string }[];
  primary: string;
  mode: 'write' | 'queue-and-wait' | 'sequence';
  label: string;
  count: number;
  parallel?: number;
  batch?: number;
}

const s = JSON.parse(process.env.AUDIT_WRITER ?? '{}') as Settings;
const opened = openDatabase(s.url, { schema: s.schema, poolSize: (s.parallel ?? 1) + 2 });
registerAuditMacKeys(
  s.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
  s.primary,
);
const actor: Actor = { type: 'cli', id: null, orgId: null, label: s.label };

if (s.mode === 'write') {
  const sequencer = startAuditSequencer(opened.db, { idleMs: 2 });
  const parallel = s.parallel ?? 4;
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let n = next++; n < s.count; n = next++) {
        await opened.db.transaction().execute(async (tx) => {
          await tx
            .insertInto('access_counters')
            .values({ actor_id: s.label, hour: `n${n}`, count: n })
            .execute();
          await appendAuditBatch(tx, actor, [
            { action: 'keys.rotate', outcome: 'ok', orgId: null, detail: { key_id: `${s.label}:${n}`, reencrypted: n } },
          ]);
        });
      }
    }),
  );
  await sequencer.stop();
  await opened.close();
  process.exit(0);
} else if (s.mode === 'queue-and-wait') {
  await opened.db.transaction().execute((tx) =>
    appendAuditBatch(
      tx,
      actor,
      Array.from({ length: s.count }, (_, n) => ({
        action: 'keys.rotate' as const,
        outcome: 'ok' as const,
        orgId: null,
        detail: { key_id: `${s.label}:${n}`, reencrypted: n },
      })),
    ),
  );
  console.log('queued');
  setInterval(() => {}, 1000);
} else {
  for (;;) {
    console.log('batch');
    const r = await sequenceAuditBatch(opened.db, { wait: true, limit: s.batch ?? 10_000 });
    if (!r || r.sequenced === 0) break;
  }
  console.log('done');
  await opened.close();
  process.exit(0);
}
