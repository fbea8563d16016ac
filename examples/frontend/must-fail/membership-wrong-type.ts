// expect: TS2322
// declarations: ../../tests/snapshots/seat.d.ts
export const seat: OrganizationMembershipPublicMetadata = { team: 7 };
