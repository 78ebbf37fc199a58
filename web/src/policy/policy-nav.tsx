/**
 * The console's 「個人情報保護方針（登録簿）」 group: its navigation entries for the roles that may use them,
 * and its screens. The shell renders the group under its main menu and asks `policyScreen` for a path.
 */
import type { ReactNode } from 'react';
import './policy.css';
import type { Me, RoleKind } from '../api/types.ts';
import { icons } from '../components/icons.tsx';
import { type MessageKey, useI18n } from '../i18n/i18n.tsx';
import { OrganizationSetupPage } from '../organizations/organization-setup-page.tsx';
import { Link, matchPath } from '../router.tsx';
import { PolicyEditorPage } from './policy-editor-page.tsx';
import { RolesPage } from './roles-page.tsx';
import { VersionPage } from './version-page.tsx';
import { VersionsPage } from './versions-page.tsx';

const readers: readonly RoleKind[] = ['privacy_officer', 'system_admin', 'auditor', 'department_manager'];
const roleReaders: readonly RoleKind[] = ['privacy_officer', 'system_admin', 'auditor'];

/** What of the policy registers the signed-in role may open (the API enforces the same). */
export function policyCapabilities(me: Me) {
  return {
    policy: readers.includes(me.role.kind),
    roles: roleReaders.includes(me.role.kind),
    setUpOrganizations: me.role.kind === 'system_admin',
  };
}

interface Entry {
  to: string;
  label: MessageKey;
  icon: ReactNode;
  match: (path: string) => boolean;
}

export function PolicyNavGroup({ me, path }: { me: Me; path: string }) {
  const { t } = useI18n();
  const can = policyCapabilities(me);
  const entries: Entry[] = [
    ...(can.policy
      ? [
          { to: '/policy', label: 'policy.nav.editor' as const, icon: icons.editor, match: (p: string) => p === '/policy' },
          {
            to: '/policy/versions',
            label: 'policy.nav.versions' as const,
            icon: icons.versions,
            match: (p: string) => p.startsWith('/policy/versions'),
          },
        ]
      : []),
    ...(can.roles ? [{ to: '/roles', label: 'policy.nav.roles' as const, icon: icons.roles, match: (p: string) => p === '/roles' }] : []),
    ...(can.setUpOrganizations
      ? [
          {
            to: '/organizations/new',
            label: 'policy.nav.newOrganization' as const,
            icon: icons.organization,
            match: (p: string) => p === '/organizations/new',
          },
        ]
      : []),
  ];
  if (entries.length === 0) return null;
  return (
    <div className="sidenav-group">
      <p className="sidenav-group-title" id="nav-group-policy">
        {t('policy.nav.group')}
      </p>
      <ul aria-labelledby="nav-group-policy">
        {entries.map((item) => {
          const active = item.match(path);
          return (
            <li key={item.to}>
              <Link to={item.to} className={`sidenav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
                <span className="sidenav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                <span>{t(item.label)}</span>
              </Link>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** The screen for a path of this group, or null when the path is not one of its own (or not for this role). */
export function policyScreen(me: Me, path: string): ReactNode | null {
  const can = policyCapabilities(me);
  if (can.policy && path === '/policy') return <PolicyEditorPage />;
  if (can.policy && path === '/policy/versions') return <VersionsPage />;
  const version = matchPath('/policy/versions/:n', path);
  if (can.policy && version && /^\d+$/.test(version.n ?? '')) return <VersionPage key={version.n} number={Number(version.n)} />;
  if (can.roles && path === '/roles') return <RolesPage />;
  if (can.setUpOrganizations && path === '/organizations/new') return <OrganizationSetupPage />;
  return null;
}
