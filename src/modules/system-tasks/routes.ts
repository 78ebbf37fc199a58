/**
 * A request's work in the connected systems: the plan preview and progress, planning again, the officer's
 * approval, resuming a stopped task, the attention list, and the stopped-purposes file for a system.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppContext } from '../../base/context.ts';
import { contentDisposition } from '../../base/downloads.ts';
import { requireStaff } from '../../base/guard.ts';
import { approveTasks } from './approve-tasks.ts';
import { systemTaskRoles } from './permissions.ts';
import { planRequest } from './plan-request.ts';
import { listRequestTasks, listTasksNeedingAction } from './read-tasks.ts';
import { cancelTask, resumeTask } from './resume-task.ts';
import { approveBody, needingActionView, requestIdParams, systemCodeParams, systemTasksView, taskIdParams } from './schemas.ts';
import { exportStoppedPurposes } from './stopped-purposes.ts';

const tags = ['system-tasks'];
const errorsOf = (...codes: string[]) => `\n\nエラー / errors: ${codes.map((c) => `\`${c}\``).join(', ')}`;

export function systemTaskRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/requests/:id/system-tasks',
      {
        config: { roles: systemTaskRoles('read'), duty: { duty: 'member_requests', access: 'read' } },
        schema: {
          tags,
          summary: '請求の連携システムへの計画と進捗 / the request’s plan and progress in the connected systems',
          description:
            'システムごと・テーブルごとの処理（削除・更新）、件数、書き換える列、法令により保存する列と理由、状態と失敗の理由。値は返しません。/ Per system and table: the action, row count, columns written; kept columns with their rule; state and failure reason. Never values.' +
            errorsOf('request_not_found', 'forbidden'),
          params: requestIdParams,
          response: { 200: systemTasksView },
        },
      },
      async (req) => listRequestTasks(ctx, { actor: requireStaff(req), requestId: req.params.id }),
    );

    app.post(
      '/requests/:id/system-tasks/plan',
      {
        config: { roles: systemTaskRoles('plan'), duty: { duty: 'member_requests', access: 'handle' } },
        schema: {
          tags,
          summary: '連携システムへの計画を作成・更新 / plan (again) the request across the connected systems',
          description:
            '開示は直ちに実行待ちに、削除・訂正は各システムで計画を作り承認待ちに、利用停止は対象システムを記録します。承認待ちの計画は作り直します。/ Disclosure tasks are queued at once; erase and correct tasks are planned by each system and wait for approval; stop tasks are recorded. Planned tasks are planned again.' +
            errorsOf('request_not_found', 'request_transition_invalid', 'forbidden'),
          params: requestIdParams,
          response: { 200: systemTasksView },
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        await planRequest(ctx, { actor, requestId: req.params.id, orgId: actor.orgId });
        return listRequestTasks(ctx, { actor, requestId: req.params.id });
      },
    );

    app.post(
      '/requests/:id/system-tasks/approve',
      {
        config: { roles: systemTaskRoles('approve') },
        schema: {
          tags,
          summary: '計画を承認して実行 / approve the plans and run them',
          description:
            '個人情報保護管理者のみ。表示した版の計画だけを承認します（作り直された計画は request_version_conflict）。/ Privacy officer only. Approves the plans at the versions shown.' +
            errorsOf(
              'request_not_found',
              'request_transition_invalid',
              'request_version_conflict',
              'system_task_state_invalid',
              'forbidden',
            ),
          params: requestIdParams,
          body: approveBody,
          response: { 200: systemTasksView },
        },
      },
      async (req) => {
        const actor = requireStaff(req);
        await approveTasks(ctx, { actor, requestId: req.params.id, ...(req.body?.tasks ? { tasks: req.body.tasks } : {}) });
        return listRequestTasks(ctx, { actor, requestId: req.params.id });
      },
    );

    app.post(
      '/system-tasks/:id/resume',
      {
        config: { roles: systemTaskRoles('approve') },
        schema: {
          tags,
          summary: '停止・再試行待ちの処理を再開 / resume a stopped or failing task now',
          description:
            '原因を取り除いたあとに、試行回数を戻して直ちに実行待ちにします。/ Once the cause is fixed: queued at once with fresh attempts.' +
            errorsOf('system_task_not_found', 'system_task_state_invalid', 'forbidden'),
          params: taskIdParams,
        },
      },
      async (req) => resumeTask(ctx, { actor: requireStaff(req), taskId: req.params.id }),
    );

    app.post(
      '/system-tasks/:id/cancel',
      {
        config: { roles: systemTaskRoles('approve') },
        schema: {
          tags,
          summary: '処理の取消（実施しない）/ set a task aside',
          description:
            '実施できない・不要になった処理（システムの廃止、手作業で対応済みなど）を取り消し、請求の回答を妨げないようにします。実行中・完了の処理は取り消せません。/ A task that cannot or need not run no longer holds the answer back. Not for a task running or done.' +
            errorsOf('system_task_not_found', 'system_task_state_invalid', 'forbidden'),
          params: taskIdParams,
        },
      },
      async (req) => cancelTask(ctx, { actor: requireStaff(req), taskId: req.params.id }),
    );

    app.get(
      '/system-tasks/attention',
      {
        config: { roles: systemTaskRoles('read'), duty: { duty: 'member_requests', access: 'read' } },
        schema: {
          tags,
          summary: '対応が必要な連携システムの処理 / tasks stopped, stuck or failing',
          response: { 200: needingActionView },
        },
      },
      async (req) => ({ tasks: await listTasksNeedingAction(ctx, requireStaff(req)) }),
    );

    app.get(
      '/systems/:code/stopped-purposes',
      {
        config: { roles: systemTaskRoles('export_stops') },
        schema: {
          tags,
          summary: '連携システム向けの利用停止一覧（CSV）/ stopped purposes for a connected system (CSV)',
          description:
            '利用停止を自ら実施できないシステムのために、対象の組合員の識別子（システムが照合に使うもの）と停止した利用目的を UTF-8（BOM付き）の CSV で出力します。/ For systems that cannot enforce a stop: the members’ link identities and stopped purposes, CSV in UTF-8 with a BOM.' +
            errorsOf('system_not_mapped', 'forbidden'),
          params: systemCodeParams,
        },
      },
      async (req, reply) => {
        const file = await exportStoppedPurposes(ctx, { actor: requireStaff(req), systemCode: req.params.code });
        return reply
          .header('content-disposition', contentDisposition(file.fileName))
          .header('cache-control', 'no-store')
          .type('text/csv; charset=utf-8')
          .send(file.csv);
      },
    );
  };
}
