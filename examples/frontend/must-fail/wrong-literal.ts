// expect: TS2367
declare const user: { publicMetadata: UserPublicMetadata };
export const isAdmin = user.publicMetadata.role === "superadmin";
