export { DEFAULT_PLAN, PHASE_IDS, PhaseBudget, PhaseId, PhasePlan, parsePlan, phaseAt, planTotalMinutes, type PlanParseResult } from './plan'
export {
  TIMER_EVENT_CAP,
  TimerEvent,
  TimerEventType,
  TimerState,
  TimerStatus,
  finishInterview,
  formatClock,
  formatOvertime,
  initialTimer,
  nextPhase,
  pauseTimer,
  phaseActuals,
  previousPhase,
  resumeTimer,
  startTimer,
  timerView,
  type PhaseActual,
  type TimerView,
} from './timer'
export { MAX_RTT_MS, ServerClock, sampleOffset, type ClockSample } from './clock'
export {
  RequirementDecision,
  RequirementStatus,
  applyStatus,
  canEditRequirement,
  canTransition,
  type RequirementActor,
  type RequirementDecisionResult,
} from './requirements'
