import * as Y from 'yjs'

/**
 * A Y.Doc the server makes for a room, named after it. Yjs names an unnamed document with a
 * random UUID drawn one hex digit at a time from WebCrypto: 146 us per document on Node 20
 * here, against 5 us for a named one, and the server makes one or more per room it creates,
 * loads or wakes. The name is never sent: the server's documents are not subdocuments.
 */
export function serverDoc(name: string): Y.Doc {
  return new Y.Doc({ guid: name })
}
