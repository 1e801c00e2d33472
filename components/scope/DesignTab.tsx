'use client'

import { useDocValue, useRoom } from '@/components/room/RoomContext'
import { addEndpoint, addEntity, ApiStyle, methodsFor, readEndpoints, readEntities, setEndpointStyle } from '@/lib/room-doc/interview'
import { CollabText } from './CollabText'
import { ItemActions } from './ItemActions'

/** Core entities and the API: the contract the high-level design is built against. */
export function DesignTab() {
  const { doc, role } = useRoom()
  const entities = useDocValue(readEntities)
  const endpoints = useDocValue(readEndpoints)
  const canEdit = role !== 'reviewer'
  return (
    <>
      <section className="scope-section" aria-labelledby="entities-heading">
        <header className="scope-section__head"><h3 id="entities-heading">Core entities</h3></header>
        <p className="scope-section__hint">What the system stores and exchanges; a first draft is fine.</p>
        {entities.length === 0 && <p className="empty">No entities yet.</p>}
        <ul className="scope-list">
          {entities.map((entity, index) => (
            <li key={entity.id} className="scope-item" data-testid="entity">
              <div className="scope-item__row">
                <CollabText text={entity.name} fieldId={`entity-name/${entity.id}`} label={`Entity ${index + 1} name`} placeholder="Name, e.g. ShortLink" className="collab--label" />
                <ItemActions kind="entities" id={entity.id} label={`entity ${index + 1}`} first={index === 0} last={index === entities.length - 1} />
              </div>
              <CollabText text={entity.fields} fieldId={`entity-fields/${entity.id}`} label={`Entity ${index + 1} key fields`} placeholder="Key fields, e.g. code, longUrl, ownerId, expiresAt" multiline />
            </li>
          ))}
        </ul>
        {canEdit && <button type="button" className="button button--small" onClick={() => addEntity(doc)}>+ Add entity</button>}
      </section>

      <section className="scope-section" aria-labelledby="api-heading">
        <header className="scope-section__head"><h3 id="api-heading">API</h3></header>
        <p className="scope-section__hint">One row per endpoint; REST by default, gRPC or GraphQL where they fit.</p>
        {endpoints.length === 0 && <p className="empty">No endpoints yet.</p>}
        <ul className="scope-list">
          {endpoints.map((endpoint, index) => (
            <li key={endpoint.id} className="scope-item" data-testid="endpoint">
              <div className="scope-item__row">
                <select aria-label={`Endpoint ${index + 1} style`} value={endpoint.style} disabled={!canEdit} onChange={(e) => setEndpointStyle(doc, endpoint.id, e.target.value as ApiStyle)}>
                  {ApiStyle.options.map((style) => <option key={style}>{style}</option>)}
                </select>
                <select aria-label={`Endpoint ${index + 1} method`} value={endpoint.method} disabled={!canEdit} onChange={(e) => setEndpointStyle(doc, endpoint.id, endpoint.style, e.target.value)}>
                  {methodsFor(endpoint.style).map((method) => <option key={method}>{method}</option>)}
                </select>
                <CollabText text={endpoint.path} fieldId={`api-path/${endpoint.id}`} label={`Endpoint ${index + 1} path`} placeholder={endpoint.style === 'REST' ? '/v1/links' : endpoint.style === 'gRPC' ? 'LinkService.Create' : 'createLink'} className="collab--mono" />
                <ItemActions kind="api" id={endpoint.id} label={`endpoint ${index + 1}`} first={index === 0} last={index === endpoints.length - 1} />
              </div>
              <div className="endpoint__io">
                <CollabText text={endpoint.request} fieldId={`api-request/${endpoint.id}`} label={`Endpoint ${index + 1} request`} placeholder="Request, e.g. { longUrl, alias? }" className="collab--mono" />
                <CollabText text={endpoint.response} fieldId={`api-response/${endpoint.id}`} label={`Endpoint ${index + 1} response`} placeholder="Response, e.g. 201 { code }" className="collab--mono" />
              </div>
            </li>
          ))}
        </ul>
        {canEdit && <button type="button" className="button button--small" onClick={() => addEndpoint(doc)}>+ Add endpoint</button>}
      </section>
    </>
  )
}
