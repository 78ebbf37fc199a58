/**
 * The member page's words for coded values (request kinds and states, purpose status, consent states),
 * each mapped to a catalogue key so a missing translation fails the type check, and the badge tone each
 * is shown in.
 */
import type { MessageKey } from '../i18n/i18n.tsx';
import type { ConsentView, PackageForm, RequestKind, RequestState } from './types.ts';

type Tone = 'neutral' | 'ok' | 'warn' | 'bad' | 'info';

export const kindLabel: Record<RequestKind, MessageKey> = {
  disclosure: 'my.kind.disclosure',
  correction: 'my.kind.correction',
  deletion: 'my.kind.deletion',
  cessation: 'my.kind.cessation',
  provision_cessation: 'my.kind.provision_cessation',
  provision_records: 'my.kind.provision_records',
  safety_measures: 'my.kind.safety_measures',
};

/** One line in plain words: what the kind asks the co-op to do. */
export const kindHelp: Record<RequestKind, MessageKey> = {
  disclosure: 'my.kind.disclosure.help',
  correction: 'my.kind.correction.help',
  deletion: 'my.kind.deletion.help',
  cessation: 'my.kind.cessation.help',
  provision_cessation: 'my.kind.provision_cessation.help',
  provision_records: 'my.kind.provision_records.help',
  safety_measures: 'my.kind.safety_measures.help',
};

export const stateLabel: Record<RequestState, MessageKey> = {
  received: 'my.state.received',
  verified: 'my.state.verified',
  in_progress: 'my.state.in_progress',
  approved: 'my.state.approved',
  answered: 'my.state.answered',
  refused: 'my.state.refused',
  withdrawn: 'my.state.withdrawn',
  closed: 'my.state.closed',
};

export const stateTone: Record<RequestState, Tone> = {
  received: 'info',
  verified: 'info',
  in_progress: 'info',
  approved: 'info',
  answered: 'ok',
  refused: 'bad',
  withdrawn: 'neutral',
  closed: 'neutral',
};

/** What happened in a request's history (`request_events.action`). */
export const eventLabel: Record<string, MessageKey> = {
  file: 'my.event.file',
  verify: 'my.event.verify',
  start: 'my.event.start',
  approve: 'my.event.approve',
  answer: 'my.event.answer',
  refuse: 'my.event.refuse',
  withdraw: 'my.event.withdraw',
  close: 'my.event.close',
  update: 'my.event.update',
  document: 'my.event.document',
};

/** A purpose's status for this person (from the disclosure package). */
export const purposeStatus: Record<string, { label: MessageKey; tone: Tone }> = {
  in_use: { label: 'my.purposeStatus.in_use', tone: 'ok' },
  opted_out: { label: 'my.purposeStatus.opted_out', tone: 'warn' },
  stopped: { label: 'my.purposeStatus.stopped', tone: 'bad' },
  no_consent: { label: 'my.purposeStatus.no_consent', tone: 'neutral' },
};

/** A purpose's status as the page words it: an opt-out purpose in use says it can be stopped. */
export function purposeStatusOf(status: string, mode: 'none' | 'opt_out' | 'opt_in'): { label: MessageKey; tone: Tone } {
  if (status === 'in_use' && mode === 'opt_out') return { label: 'my.purposeStatus.in_use_opt_out', tone: 'ok' };
  return purposeStatus[status] ?? purposeStatus.in_use!;
}

export const consentStateLabel: Record<ConsentView['state'], MessageKey> = {
  granted: 'my.consentState.granted',
  opted_out: 'my.consentState.opted_out',
  withdrawn: 'my.consentState.withdrawn',
  not_given: 'my.consentState.not_given',
};

/** A consent state as the page words it: for an opt-out purpose, 「利用中（停止できます）」 rather than 「同意あり」. */
export function consentStateLabelOf(state: ConsentView['state'], mode: ConsentView['mode'] | undefined): MessageKey {
  return state === 'granted' && mode === 'opt_out' ? 'my.consentState.granted_opt_out' : consentStateLabel[state];
}

export const formLabel: Record<PackageForm | 'paper', MessageKey> = {
  pdf: 'my.form.pdf',
  json: 'my.form.json',
  csv: 'my.form.csv',
  paper: 'my.form.paper',
};

/** Texts the server writes in both languages as `日本語 / English`: the part for the current language. */
export function pickSlashed(text: string, lang: 'ja' | 'en'): string {
  const at = text.indexOf(' / ');
  if (at < 0) return text;
  return lang === 'ja' ? text.slice(0, at) : text.slice(at + 3);
}
