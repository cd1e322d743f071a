// Plain-data shapes of the demo province (see generator.ts). No database types: the output is imported
// through the ordinary registry rules, so it uses the same codes and labels an import file would.

export type DemoRegionLevel = 'province' | 'city' | 'county' | 'township';
export type DemoUnitCategory = 'window_service' | 'law_enforcement' | 'general_admin';
export type DemoRole = 'admin' | 'organizer' | 'inspector' | 'unit_head' | 'staff' | 'assessor' | 'observer';

export interface DemoRegion { code: string; name: string; level: DemoRegionLevel; parentCode: string | null }
export interface DemoUnit { code: string; name: string; category: DemoUnitCategory; regionCode: string; parentCode: string | null }
export interface DemoServiceItem { code: string; name: string; unitCode: string; promisedDays: number }
export interface DemoStaff {
  code: string;
  name: string;
  unitCode: string;
  position: string;
  level: 'leader' | 'base';
  status: 'candidate' | 'active' | 'departed';
  enteredOn: string | null;
  departedOn: string | null;
  idNumber: string;
  phone: string;
}
export interface DemoUser {
  username: string;
  displayName: string;
  role: DemoRole;
  scopeRegionCode: string | null;
  scopeUnitCode: string | null;
  staffCode: string | null;
  password: string;
}
export interface DemoProvince {
  regions: DemoRegion[];
  units: DemoUnit[];
  serviceItems: DemoServiceItem[];
  staff: DemoStaff[];
  users: DemoUser[];
}
