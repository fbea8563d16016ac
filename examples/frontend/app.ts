// A frontend that uses the generated globals. Clerk's SDKs type `user.publicMetadata`
// as `UserPublicMetadata`, and so on; these stand-ins have the same shape.
import type { Role, Theme } from "./globals";

declare const user: {
  publicMetadata: UserPublicMetadata;
  unsafeMetadata: UserUnsafeMetadata;
  update(params: { unsafeMetadata: UserUnsafeMetadata }): Promise<unknown>;
};
declare const sessionClaims: CustomJwtSessionClaims;

export const isAdmin: boolean = user.publicMetadata.role === "admin";
export const roleFromToken: Role = sessionClaims.role;
export const theme: Theme = user.unsafeMetadata.theme ?? "system";

export async function goDark(): Promise<void> {
  await user.update({ unsafeMetadata: { ...user.unsafeMetadata, theme: "dark" } });
}
