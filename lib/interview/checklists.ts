import type { PhaseId } from '../session'

export interface ChecklistItem {
  id: string
  text: string
}

/** What a strong answer covers in each phase, in the order it is usually covered. */
export const PHASE_CHECKLISTS: Record<PhaseId, ChecklistItem[]> = {
  scope: [
    { id: 'scope.clarify', text: 'Asked who the users are and what they need before designing' },
    { id: 'scope.functional', text: 'Listed a few top-priority functional requirements, agreed with the interviewer' },
    { id: 'scope.non-functional', text: 'Set non-functional targets: consistency vs availability, scale, latency (a number), durability, security, fault tolerance' },
    { id: 'scope.estimates', text: 'Estimated capacity only where it changes the design' },
    { id: 'scope.entities', text: 'Named the core entities the system stores and exchanges' },
    { id: 'scope.api', text: 'Sketched the API (REST, GraphQL or RPC) that serves the requirements' },
  ],
  'high-level': [
    { id: 'high-level.endpoints', text: 'Walked the API endpoint by endpoint, adding the components each needs' },
    { id: 'high-level.data-flow', text: 'Showed how data flows from client to storage and back' },
    { id: 'high-level.storage', text: 'Chose storage for each entity and said why' },
    { id: 'high-level.requirements', text: 'Checked the design against every agreed functional requirement' },
    { id: 'high-level.buy-in', text: 'Got the interviewer\'s agreement before going deeper' },
  ],
  'deep-dive': [
    { id: 'deep-dive.scaling', text: 'Scaled vertically first, horizontally where the numbers demand it' },
    { id: 'deep-dive.work', text: 'Distributed work: load balancing and the strategy chosen' },
    { id: 'deep-dive.data', text: 'Distributed data: partitioning key, hot spots, fan-out kept small' },
    { id: 'deep-dive.consistency', text: 'Stated the consistency of each layer, caches included' },
    { id: 'deep-dive.caching', text: 'Placed caches with an invalidation or expiry policy' },
    { id: 'deep-dive.locking', text: 'Handled concurrent writes: transactions or locks where needed' },
    { id: 'deep-dive.failures', text: 'Covered failures: redundancy, failover, recovery' },
  ],
  'wrap-up': [
    { id: 'wrap-up.summary', text: 'Summarised the design in a few sentences' },
    { id: 'wrap-up.trade-offs', text: 'Named the main trade-offs and what was given up' },
    { id: 'wrap-up.next', text: 'Said what would come next: bottlenecks, monitoring, future features' },
  ],
}
