// Backend code that reads organization and membership private metadata (as
// `@clerk/backend` types them): it compiles with the backend declarations
// (tests/snapshots/customer.backend.d.ts, seat.backend.d.ts), and not with the
// frontend ones, which leave private metadata as Clerk declares it, an open record of
// `unknown` values.
declare const organization: { privateMetadata: OrganizationPrivateMetadata };
declare const membership: { privateMetadata: OrganizationMembershipPrivateMetadata };

export const crmAccount: string | null | undefined =
  organization.privateMetadata.contract?.crm_account;
export const costCenter: string | null | undefined = membership.privateMetadata.cost_center;
