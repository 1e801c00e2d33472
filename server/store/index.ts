export type { RoomContent, RoomStore, StoredRoom, StoredUpdate, UpdateToAppend } from './room-store'
export { RoomExistsError, RoomNotFoundError } from './store-errors'
export { createMemoryStore } from './memory-store'
export { openSqliteStore, SQLITE_SCHEMA_VERSION, type SqliteRoomStore } from './sqlite-store'
