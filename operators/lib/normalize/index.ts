export { toIsoDate } from './dates.ts';
export { SYMBOL, exchangeOf, toSymbol } from './symbols.ts';
export { isNullish, scaled, toInteger, toNumber } from './values.ts';
export {
  compileColumnRules,
  compileRules,
  type FieldRule,
  type NormalizeRule,
  type Normalized,
} from './rules.ts';
