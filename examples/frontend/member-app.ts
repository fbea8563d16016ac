// Uses the declarations of the export tests' schema (tests/snapshots/member.d.ts):
// every serde attribute the derive accepts, seen from TypeScript.
import type { Channels, Plan } from "../../tests/snapshots/member";

declare const user: {
  publicMetadata: UserPublicMetadata;
  unsafeMetadata: UserUnsafeMetadata;
};
declare const sessionClaims: CustomJwtSessionClaims;

export const pro: boolean = user.publicMetadata.plan === "pro-monthly";
export const legacy: Plan = "legacy";
export const seats: number = sessionClaims.seat_count ?? user.publicMetadata.seats ?? 0;
export const flags: { [key: string]: boolean } = user.publicMetadata.featureFlags ?? {};
export const channels: Channels = user.unsafeMetadata.channels ?? {};
export const digest: boolean = channels.emailDigest ?? false;
export const push: boolean | null | undefined = channels.push;
export const offset: number | null | undefined = user.unsafeMetadata.utcOffset;
export const teams: string[] = user.unsafeMetadata.teams ?? [];
