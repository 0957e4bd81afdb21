import { z } from 'zod';
import * as labels from './labels';

/** Who may do what is decided here and in `permissions.ts`; routes and workflows only ask. */
export const ROLES = ['operator', 'dispatcher', 'handler', 'reviewer', 'supervisor', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_LABELS: Record<Role, string> = labels.ROLE_LABELS;

export const REVIEW_LEVELS = [1, 2, 3] as const;
export const ReviewLevelSchema = z.union([z.literal(1), z.literal(2), z.literal(3)]);
export type ReviewLevel = z.infer<typeof ReviewLevelSchema>;

export const REVIEW_LEVEL_LABELS: Record<ReviewLevel, string> = labels.REVIEW_LEVEL_LABELS;

/** The authenticated person acting, as the API hands it to the workflow (from the JWT claims). */
export const ActorSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  roles: z.array(RoleSchema).min(1),
  unit: z.string().min(1).optional(),
  levels: z.array(ReviewLevelSchema).default([]),
});
export type Actor = z.infer<typeof ActorSchema>;

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role);
}

/** The short reference to an actor kept in the timeline: enough to say who was accountable. */
export const ActorRefSchema = z.object({ id: z.string(), name: z.string(), role: RoleSchema.optional() });
export type ActorRef = z.infer<typeof ActorRefSchema>;
