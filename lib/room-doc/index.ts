export * from './layout'
export { checkRoomSchema, migrateRoomDoc, type RoomMigration, type RoomSchemaStatus } from './schema'
export { currentTLSchema, seedRoomDoc, type RoomSeed } from './seed'
