// Who is asking, and what they may see. Built once per request by the auth plugin and passed to
// services, which do every permission and scope check (routes never decide).
import { forbidden, unauthorized } from '../../lib/errors.ts';

export const ROLES = ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'] as const;
export type UserRole = (typeof ROLES)[number];
/** Machine roles, for bearer tokens only. */
export const TOKEN_ROLES = ['ingest', 'admin'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];
export type Role = UserRole | TokenRole;

/** Data scope (分级授权): everything, a region subtree, or a unit subtree. Paths are '/id/id/'. */
export type Scope =
  | { kind: 'all' }
  | { kind: 'region'; regionId: number; path: string }
  | { kind: 'unit'; unitId: number; path: string };

export interface Principal {
  kind: 'user' | 'token';
  id: number;
  name: string;
  role: Role;
  scope: Scope;
  /** The staff record a civil servant's account belongs to: they see only that one. */
  staffId: number | null;
}

export type Permission =
  | 'registry.read'
  | 'registry.write'
  | 'staff.read'
  | 'staff.reveal'
  | 'imports.run'
  | 'imports.read'
  | 'access_log.read'
  | 'users.manage'
  | 'sources.manage'
  | 'sources.read'
  | 'ingest.run'
  | 'ingest.read'
  | 'ratings.default_run'
  | 'rectifications.read'
  | 'rectifications.act'
  | 'rectifications.supervise'
  | 'ratings.reveal_rater'
  | 'rectifications.configure'
  | 'metrics.read'
  | 'cases.read'
  | 'cases.act'
  | 'cases.enter'
  | 'cases.reveal_reporter'
  | 'cases.configure'
  | 'open311.manage'
  | 'metrics.read_staff'
  | 'integrity.read'
  | 'integrity.apply'
  | 'integrity.configure'
  | 'calendar.read'
  | 'calendar.write'
  | 'frameworks.read'
  | 'frameworks.write'
  | 'scores.assess'
  | 'scores.exempt'
  | 'scores.run'
  | 'scores.publish'
  | 'scores.read';

const GRANTS: Record<Permission, readonly Role[]> = {
  'registry.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'],
  'registry.write': ['admin', 'organizer'],
  // Observers and assessors see the process, not people's private records.
  'staff.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff'],
  'staff.reveal': ['admin', 'inspector'],
  'imports.run': ['admin', 'organizer'],
  'imports.read': ['admin', 'organizer'],
  'access_log.read': ['admin', 'inspector'],
  'users.manage': ['admin'],
  // Evidence ingestion (多源数据融合): admins register sources; a source's token (role ingest) sends its records.
  'sources.manage': ['admin'],
  'sources.read': ['admin', 'organizer'],
  'ingest.run': ['admin', 'organizer', 'ingest'],
  'ingest.read': ['admin', 'organizer', 'ingest'],
  // Ratings (好差评) and rectifications (差评整改): the owning unit's head acts (首接负责), inspectors decide
  // appeals and find false rectification, organizers and admins follow; unit metrics are aggregates.
  'ratings.default_run': ['admin'],
  'rectifications.read': ['admin', 'organizer', 'inspector', 'unit_head'],
  'rectifications.act': ['unit_head'],
  'rectifications.supervise': ['inspector'],
  // A real-name rater's contact, for the revisit (回访): one record at a time, with a reason, logged.
  'ratings.reveal_rater': ['admin', 'inspector', 'unit_head'],
  'rectifications.configure': ['admin'],
  'metrics.read': ['admin', 'organizer', 'inspector', 'unit_head', 'assessor', 'observer'],
  // Complaints and reports (投诉举报): the accountable unit's head and inspectors (纪检监察) handle cases;
  // organizers follow; only inspectors see who reported (each view logged with a reason).
  'cases.read': ['admin', 'organizer', 'inspector', 'unit_head'],
  'cases.act': ['inspector', 'unit_head'],
  'cases.enter': ['inspector', 'unit_head'],
  'cases.reveal_reporter': ['inspector'],
  'cases.configure': ['admin'],
  'open311.manage': ['admin'],
  // A person's metrics and integrity points (诚信积分) are their record: not for observers or assessors;
  // a civil servant sees only their own. Organizers apply a period's events; admins set the points.
  'metrics.read_staff': ['admin', 'organizer', 'inspector', 'unit_head', 'staff'],
  'integrity.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff'],
  'integrity.apply': ['admin', 'organizer'],
  'integrity.configure': ['admin'],
  // The working-day calendar: every clock depends on it, so everyone may read it; only admins edit.
  'calendar.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'],
  'calendar.write': ['admin'],
  // Indicator frameworks and scoring: organizers define frameworks and run and publish scores;
  // assessors score qualitative indicators; inspectors approve exemptions (容错) with organizers.
  // Scores are personal records: observers and assessors do not read them; staff read their own.
  'frameworks.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'],
  'frameworks.write': ['admin', 'organizer'],
  'scores.assess': ['assessor', 'organizer'],
  'scores.exempt': ['organizer', 'inspector'],
  'scores.run': ['admin', 'organizer'],
  'scores.publish': ['organizer'],
  'scores.read': ['admin', 'organizer', 'inspector', 'unit_head', 'staff'],
};

export function can(principal: Principal, permission: Permission): boolean {
  return GRANTS[permission].includes(principal.role);
}

export function requirePrincipal(principal: Principal | null | undefined): Principal {
  if (!principal) throw unauthorized();
  return principal;
}

/** Throws 401 without a principal and 403 without the permission; returns the principal. */
export function authorize(principal: Principal | null | undefined, permission: Permission): Principal {
  const p = requirePrincipal(principal);
  if (!can(p, permission)) throw forbidden(`Role ${p.role} may not ${permission.replace('.', ' ')}`);
  return p;
}
