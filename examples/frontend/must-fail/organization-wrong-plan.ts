// expect: TS2322
// declarations: ../../tests/snapshots/customer.d.ts
export const org: OrganizationPublicMetadata = { plan: "enterprise" };
