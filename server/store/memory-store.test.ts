import { createMemoryStore } from './memory-store'
import { describeRoomStoreContract } from './room-store.contract'

describeRoomStoreContract('memory', async () => ({ store: createMemoryStore(), cleanup: async () => {} }))
