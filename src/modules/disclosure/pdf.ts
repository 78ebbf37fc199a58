// Placeholder until the PDF renderer lands from its branch (pdf-mail).
import type { DisclosurePackage } from './types.ts';

export async function renderDisclosurePdf(_pkg: DisclosurePackage): Promise<Buffer> {
  throw new Error('PDF renderer not merged yet');
}
