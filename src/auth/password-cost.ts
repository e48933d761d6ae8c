// scrypt from node:crypto: no native dependency; N=2^15 takes ~60 ms here, slow enough for a login.
// A file of its own so the integration tests can swap in a cheap cost (tests/helpers/cheap-passwords.ts);
// passwords.test.ts holds production to this one.
/** scrypt's parameters for new password hashes; stored hashes carry their own. */
export const PASSWORD_COST = { N: 32768, r: 8, p: 1 } as const
