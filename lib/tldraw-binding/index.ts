export { bindStoreToDoc, isUsableRoom, type StoreDocBinding } from './binding'
export { readRecord, writeRecord, writeRoomRecord } from './record-codec'
