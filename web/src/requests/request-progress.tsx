/**
 * The step indicator of a request: 受付 → 本人確認 → 対応中 → 承認 → 回答 → 完了, the current step marked; a refused
 * or withdrawn request shows that outcome in place of the answer. The days left to the due date (「あと N 日」,
 * 「N 日超過」) stand beside it while the request is open.
 */
import { Badge } from '../components/ui.tsx';
import { daysLeftText } from '../home/attention-panel.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { openStates, type RequestState, type RequestView } from './request-model.ts';

const path: readonly RequestState[] = ['received', 'verified', 'in_progress', 'approved', 'answered', 'closed'];

/** The steps shown for a request that ended in `outcome` (refused or withdrawn): up to where it stopped, then the outcome. */
function stepsOf(r: Pick<RequestView, 'state' | 'events'>): { states: RequestState[]; current: number } {
  const ended = (r.events ?? []).find((e) => e.to_state === 'refused' || e.to_state === 'withdrawn');
  if (!ended && r.state !== 'refused' && r.state !== 'withdrawn') return { states: [...path], current: path.indexOf(r.state) };
  const outcome = (ended?.to_state ?? r.state) as RequestState;
  const stoppedAt = path.indexOf((ended?.from_state ?? 'received') as RequestState);
  const states = [...path.slice(0, stoppedAt + 1), outcome, 'closed' as const];
  return { states, current: states.indexOf(r.state) };
}

export function RequestProgress({ request }: { request: RequestView }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { states, current } = stepsOf(request);
  const open = openStates.includes(request.state);
  return (
    <div className="request-progress" data-testid="request-progress">
      <ol aria-label={t('request.progress.label')}>
        {states.map((s, i) => (
          <li
            key={s}
            className={i < current ? 'done' : i === current ? 'current' : undefined}
            aria-current={i === current ? 'step' : undefined}
            data-state={s}
          >
            {t(`request.progress.${s}`)}
          </li>
        ))}
      </ol>
      {open && (
        <span data-testid="request-days-left" data-days={request.days_left}>
          <Badge tone={request.days_left < 0 ? 'bad' : request.days_left <= 3 ? 'warn' : 'info'}>
            {daysLeftText(i18n, request.days_left)}
          </Badge>
        </span>
      )}
    </div>
  );
}
