/**
 * Requests from the person (開示等の請求) as the console sees them: the server's view (one type, shared with the
 * API), the words of the workflow, and which steps the signed-in role may take in a request's current state.
 * The kinds, steps and states come from the contract the server uses too (src/contract/requests.ts); the
 * server refuses anything else in any case.
 */

import type { RequestView } from '../../../src/contract/api.ts';
import {
  correctableFields,
  disclosingKinds,
  officerSteps,
  openStates,
  type RequestChannel,
  type Requester,
  type RequestKind,
  type RequestState,
  type RequestStep,
  requestKindLabels,
  requestKinds,
  steps,
} from '../../../src/contract/requests.ts';
import type { RoleKind } from '../api/types.ts';
import type { I18n } from '../i18n/i18n.tsx';

export type { RequestChannel, Requester, RequestKind, RequestState, RequestStep, RequestView };
export type RequestEvent = NonNullable<RequestView['events']>[number];
export type RequestDocument = NonNullable<RequestView['documents']>[number];
export type DeliveryForm = RequestView['delivery_form'];

export { correctableFields, disclosingKinds, openStates, requestKinds };

/** Channels staff enter; `page` requests come from the member page only. */
export const staffChannels = ['phone', 'paper', 'counter', 'mail'] as const satisfies readonly RequestChannel[];
export const requesters = ['self', 'legal_representative', 'mandated_agent'] as const satisfies readonly Requester[];
export const deliveryForms = ['paper', 'pdf', 'json', 'csv'] as const satisfies readonly DeliveryForm[];

/** The steps a role may take now (auditors none; deciding steps only the privacy officer). */
export function allowedSteps(state: RequestState, role: RoleKind): RequestStep[] {
  if (role === 'auditor' || role === 'system_admin') return [];
  return (Object.keys(steps) as RequestStep[]).filter(
    (s) => steps[s].from.includes(state) && (role === 'privacy_officer' || !officerSteps.includes(s)),
  );
}

/** A package can be downloaded once the request is approved (the server's rule for the console). */
export function packageReady(r: Pick<RequestView, 'kind' | 'state'>): boolean {
  return disclosingKinds.includes(r.kind) && (r.state === 'approved' || r.state === 'answered' || r.state === 'closed');
}

/** Staff may still adjust what is asked (and the agent's proof) until the request is approved. */
export function adjustable(state: RequestState): boolean {
  return state === 'received' || state === 'verified' || state === 'in_progress';
}

export const stateTone: Record<RequestState, 'neutral' | 'ok' | 'warn' | 'bad' | 'info'> = {
  received: 'info',
  verified: 'info',
  in_progress: 'warn',
  approved: 'warn',
  answered: 'ok',
  refused: 'bad',
  withdrawn: 'neutral',
  closed: 'neutral',
};

/** Labels of the workflow's words in the current language. */
export function requestLabels(i18n: I18n) {
  const { t, has } = i18n;
  const known = (key: string, fallback: string) => (has(key) ? t(key) : fallback);
  return {
    /** The kinds' names are the server's (mails, PDF, CLI): one list in the contract. */
    kind: (k: RequestKind) => requestKindLabels[k][i18n.lang],
    /** A state; events carry it as plain text. */
    state: (s: string) => known(`request.state.${s}`, s),
    channel: (c: RequestChannel) => t(`request.channel.${c}`),
    requester: (r: Requester) => t(`request.requester.${r}`),
    delivery: (d: DeliveryForm) => t(`request.delivery.${d}`),
    step: (s: RequestStep) => t(`request.step.${s}`),
    identity: (m: string) => known(`request.identity.${m}`, m),
    event: (action: string) => known(`request.event.${action}`, action),
    documentKind: (k: string) => known(`request.documentKind.${k}`, k),
    actor: (a: string) => known(`request.actor.${a}`, a),
    /** An event's note in words: a document's kind, the fields an adjustment changed, or the text as written. */
    eventNote: (action: string, note: string | null) => {
      if (!note) return '';
      if (action === 'document') return known(`request.documentKind.${note}`, note);
      if (action === 'update') return i18n.list(note.split(', ').map((f) => known(`request.field.${f}`, f)));
      return note;
    },
  };
}

/** The Japan date of a UTC timestamp (the day a request counts as received). */
export function japanDateOf(isoTime: string): string {
  const d = new Date(isoTime);
  return Number.isNaN(d.getTime()) ? isoTime : new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}
