export {
  CAPACITY_INPUTS,
  CapacityInputs,
  DAYS_PER_YEAR,
  DEFAULT_PEAK_FACTOR,
  SECONDS_PER_DAY,
  deriveCapacity,
  parseCapacityInputs,
  splitByRatio,
  type CapacityErrors,
  type CapacityFigures,
  type CapacityInputField,
  type CapacityInputKey,
  type CapacityInputKind,
  type CapacityParseResult,
} from './capacity'
export { CAPACITY_FIGURES, formatBytes, formatCount, formatFigure, formatRate, type CapacityFigureField, type CapacityFigureKey, type RateUnit } from './format'
export { estimateFromText, FIGURE_NEEDS, type PartialEstimate } from './partial'
