// expect: TS2551
declare const user: { publicMetadata: UserPublicMetadata };
export const isAdmin = user.publicMetadata.rol === "admin";
