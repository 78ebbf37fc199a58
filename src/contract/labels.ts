/** A word in both of mamori's languages: Japanese first (the default), English for the switch. */
export interface Labelled {
  ja: string;
  en: string;
}
