// A stand-in for the global declarations Clerk's SDK types ship
// (packages/types/src/user.ts and organization*.ts in clerk/javascript): each metadata interface is an open
// record, which an app's own declarations merge into.
export {};

declare global {
  interface UserPublicMetadata {
    [k: string]: unknown;
  }
  interface UserPrivateMetadata {
    [k: string]: unknown;
  }
  interface UserUnsafeMetadata {
    [k: string]: unknown;
  }
  interface OrganizationPublicMetadata {
    [k: string]: unknown;
  }
  interface OrganizationPrivateMetadata {
    [k: string]: unknown;
  }
  interface OrganizationMembershipPublicMetadata {
    [k: string]: unknown;
  }
  interface OrganizationMembershipPrivateMetadata {
    [k: string]: unknown;
  }
}
