export { bindStoreToDoc, type StoreDocBinding } from './binding'
export { readRecord, writeRecord, writeRoomRecord } from './record-codec'
