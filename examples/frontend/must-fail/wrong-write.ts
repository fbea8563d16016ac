// expect: TS2322
export const theme: UserUnsafeMetadata = { theme: "blue" };
