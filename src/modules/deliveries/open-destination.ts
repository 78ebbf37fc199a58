/** Opens a target's destination by its kind (folder-destination.ts, sftp-destination.ts). */
import type { DeliveryTargetKind } from '../../contract/delivery-vocabulary.ts';
import type { Destination } from './destination.ts';
import { openFolder } from './folder-destination.ts';
import type { DeliverySettings } from './settings.ts';
import { openSftp } from './sftp-destination.ts';

/** Throws the AppError that says why the destination cannot be opened (unreachable, refused key, …). */
export function openDestination(kind: DeliveryTargetKind, settings: DeliverySettings): Promise<Destination> {
  return kind === 'folder' ? openFolder(settings) : openSftp(settings);
}
