// Who is signed in (GET /api/auth/me) and which console sections their role opens. The server decides
// every permission; this only hides what would be refused anyway.
import { useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../shared/api.ts';

export interface Me {
  kind: string;
  id: number;
  name: string;
  role: string;
  scope: { kind: string; regionId?: number; unitId?: number };
  staffId: number | null;
}

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api.get<Me>('/api/auth/me');
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export type Section =
  | 'dashboard' | 'regions' | 'units' | 'serviceItems' | 'staff' | 'imports' | 'rectifications'
  | 'cases' | 'scoring' | 'calendar' | 'deadlines' | 'ledger' | 'accessLog';

const ALL = ['admin', 'organizer', 'inspector', 'unit_head', 'staff', 'assessor', 'observer'];
export const SECTION_ROLES: Record<Section, string[]> = {
  dashboard: ['admin', 'organizer', 'inspector', 'unit_head', 'assessor', 'observer'],
  regions: ALL,
  units: ALL,
  serviceItems: ALL,
  staff: ['admin', 'organizer', 'inspector', 'unit_head', 'staff'],
  imports: ['admin', 'organizer'],
  rectifications: ['admin', 'organizer', 'inspector', 'unit_head'],
  cases: ALL,
  scoring: ALL,
  calendar: ALL,
  deadlines: ['admin', 'organizer', 'inspector', 'unit_head'],
  ledger: ALL,
  accessLog: ['admin', 'inspector'],
};

export const canSee = (me: Me | null | undefined, s: Section) => Boolean(me && SECTION_ROLES[s].includes(me.role));
