/**
 * The shapes of API answers that the console reads, declared by the services that produce them. This file is
 * the one place where the console's view of those types meets the server: web/src imports them from here,
 * never from src/modules directly, so what the console depends on is listed and reviewable. Type-only
 * exports (erased at build time: no server code reaches the console's bundle); the boundary test checks that
 * this file holds nothing else.
 */
export type { Attention } from '../modules/attention/schemas.ts';
export type { ConsentEventView, ConsentView } from '../modules/consent/consents.ts';
export type { TargetCheck } from '../modules/deliveries/check-target.ts';
export type { DeliveryView, TargetView } from '../modules/deliveries/presenter.ts';
export type { PublicDeliverySettings } from '../modules/deliveries/settings.ts';
export type { DecideResult } from '../modules/discovery/decide-proposal.ts';
export type { DiscoveryProposalView, DiscoveryRunView } from '../modules/discovery/read-discovery.ts';
export type {
  ContractorDetail,
  ContractorView,
  HandoverView,
  InspectionView,
  JointUseView,
  TransferPreview,
  TransferView,
} from '../modules/handovers/schemas.ts';
export type { JobRunView, JobsOverview, JobView } from '../modules/jobs/read-runs.ts';
export type { PresentedAsset } from '../modules/ledger/presenter.ts';
export type { PolicyChange } from '../modules/policy/changes.ts';
export type { PolicyDocument } from '../modules/policy/document.ts';
export type { LintGap } from '../modules/policy/lint.ts';
export type { DraftReview, DraftView, VersionSummary } from '../modules/policy/versions.ts';
export type { MyData } from '../modules/portal/my-data.ts';
export type { ConfirmedRun } from '../modules/provision/confirm-run.ts';
export type { ProvisionView } from '../modules/provision/list-records.ts';
export type { ContinuousRecordView, DisposalView, ProvisionRunView } from '../modules/provision/presenter.ts';
export type { ProvisionRunPreview } from '../modules/provision/preview-run.ts';
export type { OrgRecordView } from '../modules/provision/read-runs.ts';
export type { Assignee } from '../modules/requests/assign-request.ts';
export type { PackagePreview } from '../modules/requests/package.ts';
export type { RequestView } from '../modules/requests/requests.ts';
export type { SystemTasksView, SystemTaskView } from '../modules/system-tasks/schemas.ts';
export type { CheckResult } from '../modules/systems/check-system.ts';
export type { SystemsList } from '../modules/systems/list-systems.ts';
export type { SystemView } from '../modules/systems/presenter.ts';
export type { PublicSettings } from '../modules/systems/settings.ts';
