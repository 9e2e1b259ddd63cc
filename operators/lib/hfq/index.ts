/** Back adjustment (后复权): pro_bar-exact rounding and adj_factor derivation. */
export * from './round.ts';
export * from './factor.ts';
