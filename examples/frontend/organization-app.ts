// A frontend that reads an organization's and a membership's public metadata, and the
// organization's claim in the session token, with the generated declarations
// (tests/snapshots/customer.d.ts and seat.d.ts). Clerk's SDKs type
// `organization.publicMetadata` as `OrganizationPublicMetadata`, and so on; these
// stand-ins have the same shape.
import type { Plan } from "../../tests/snapshots/customer";

declare const organization: { publicMetadata: OrganizationPublicMetadata };
declare const membership: { publicMetadata: OrganizationMembershipPublicMetadata };
declare const sessionClaims: CustomJwtSessionClaims;

export const plan: Plan = organization.publicMetadata.plan;
export const seats: number = organization.publicMetadata.seats ?? 0;
export const team: string | null | undefined = membership.publicMetadata.team;
// Optional: a session may have no active organization.
export const planFromToken: Plan | undefined = sessionClaims.org_plan;
export const isPaid: boolean = plan === "pro-monthly";
