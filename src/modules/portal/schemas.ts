/**
 * Request shapes of the member page's sign-in and of the staff guardian API (one zod schema per endpoint;
 * the OpenAPI document uses them). Shape only: whether a member or a link exists is the services' job, and
 * they answer alike either way.
 */
import { z } from 'zod';
import { guardianRelationships } from './guardians.ts';

const orgCode = z.string().trim().min(1).max(100).describe('生協の組織コード（例 demo-coop）/ organization code, e.g. demo-coop');
const memberCode = z.string().trim().min(1).max(40).describe('組合員コード / member code');

export const requestCodeBody = z.strictObject({ org: orgCode, member_code: memberCode });

export const verifyCodeBody = z.strictObject({
  org: orgCode,
  member_code: memberCode,
  code: z.string().min(1).max(20).describe('メールで届いた6桁の確認コード / the 6-digit code from the mail'),
  new_password: z
    .string()
    .min(1)
    .max(200)
    .describe('新しいパスワード（10文字以上、組合員コード以外）/ new password (10+ characters, not the member code)'),
});

export const signInBody = z.strictObject({ org: orgCode, member_code: memberCode, password: z.string().min(1).max(200) });

export const actAsBody = z.strictObject({
  member_id: z.uuid().describe('保護者として開く組合員のID、または自分のID / a ward’s member id, or your own'),
});

export const guardianLinkParams = z.strictObject({ id: z.string().min(1).max(64), linkId: z.string().min(1).max(64) });

export const linkGuardianBody = z.strictObject({
  guardian_member_code: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .describe('保護者の組合員コード（同じ組織の組合員）/ the guardian’s member code (same organization)'),
  relationship: z.enum(guardianRelationships).describe('親 parent, 法定代理人 legal_guardian, その他 other'),
  proof: z.string().trim().min(1).max(500).describe('確認した書類など（例 健康保険証で続柄を確認）/ what staff checked'),
});
