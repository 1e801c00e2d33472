/** Rejected by createRoom when the id is taken; the caller picks a fresh id. */
export class RoomExistsError extends Error {
  constructor(readonly roomId: string) {
    super(`Room ${roomId} already exists`)
    this.name = 'RoomExistsError'
  }
}

/** Rejected by writes that name a room the store does not hold. */
export class RoomNotFoundError extends Error {
  constructor(readonly roomId: string) {
    super(`Room ${roomId} does not exist`)
    this.name = 'RoomNotFoundError'
  }
}
