// Backend code that reads private metadata (as `@clerk/backend`'s `User` types it):
// it compiles with the backend declarations (tests/snapshots/member.backend.d.ts), and
// not with the frontend ones (tests/snapshots/member.d.ts), which leave private
// metadata as Clerk declares it, an open record of `unknown` values.
declare const user: { privateMetadata: UserPrivateMetadata };

export const crmId: string | undefined = user.privateMetadata.crm_id;
export const risk: number | null | undefined = user.privateMetadata.risk;
