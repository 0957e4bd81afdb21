import { z } from 'zod';
import { withUnitNames } from './unit-names';

export const UnitSchema = z.object({
  code: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  name: z.string().min(1),
});
export type Unit = z.infer<typeof UnitSchema>;

export const UnitDirectorySchema = z
  .array(UnitSchema)
  .min(1)
  .refine((units) => new Set(units.map((u) => u.code)).size === units.length, 'unit codes must be unique');

/**
 * Lezhi County's responsible units as the 2021 work plan names them (../shared/seed). Codes are stable
 * identifiers: they live in workflow histories and search attributes, so never rename one; add new codes.
 */
export const DEFAULT_UNITS: readonly Unit[] = [
  { code: 'county-office', name: '县政府办' },
  { code: 'development-reform', name: '县发改局' },
  { code: 'economy-tech-info', name: '县经科信局' },
  { code: 'education-sports', name: '县教体局' },
  { code: 'justice', name: '县司法局' },
  { code: 'finance', name: '县财政局' },
  { code: 'human-resources', name: '县人社局' },
  { code: 'natural-resources', name: '县自然资源和规划局' },
  { code: 'housing-construction', name: '县住建局' },
  { code: 'transport', name: '县交通运输局' },
  { code: 'agriculture', name: '县农业农村局' },
  { code: 'health', name: '县卫健局' },
  { code: 'emergency', name: '县应急管理局' },
  { code: 'audit', name: '县审计局' },
  { code: 'state-assets-finance', name: '县国资金融局' },
  { code: 'market-regulation', name: '县市场监管局' },
  { code: 'administrative-approval', name: '县行政审批局' },
  { code: 'civil-affairs', name: '县民政局' },
  { code: 'petitions', name: '县信访局' },
  { code: 'culture-tourism', name: '县文化广电和旅游局' },
  { code: 'ecology-environment', name: '乐至生态环境局' },
  { code: 'tianchi-subdistrict', name: '天池街道' },
  { code: 'nanta-subdistrict', name: '南塔街道' },
];

export class UnitDirectory {
  private readonly byCode: Map<string, Unit>;
  constructor(readonly units: readonly Unit[]) {
    this.byCode = new Map(units.map((u) => [u.code, u]));
  }
  has(code: string): boolean {
    return this.byCode.has(code);
  }
  name(code: string): string {
    return this.byCode.get(code)?.name ?? code;
  }
  withNames(text: string): string {
    return withUnitNames(this.units, text);
  }
}
