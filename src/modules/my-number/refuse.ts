/**
 * Refusing a My Number: the refusal is audited (`input.my_number_rejected`, with the field names and where
 * the input came in, never the number) in a transaction of its own, then `my_number_rejected` is thrown.
 */
import type { AppContext } from '../../base/context.ts';
import { AppError } from '../../base/errors.ts';
import { appendAuditAlone } from '../audit/append.ts';
import type { Actor } from '../audit/events.ts';

export async function refuseMyNumber(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  actor: Actor | undefined,
  where: { path: string; fields: string[] },
): Promise<never> {
  const who = actor ?? { type: 'anonymous' as const, id: null, orgId: null };
  await appendAuditAlone(
    ctx.db,
    who,
    {
      action: 'input.my_number_rejected',
      outcome: 'refused',
      orgId: who.orgId ?? null,
      errorCode: 'my_number_rejected',
      detail: { path: where.path, fields: where.fields },
    },
    ctx.clock,
  );
  throw new AppError(
    'my_number_rejected',
    where.fields.map((field) => ({
      field,
      code: 'my_number',
      message_ja: 'マイナンバーと思われる番号が含まれています。',
      message_en: 'Looks like a My Number.',
    })),
  );
}
