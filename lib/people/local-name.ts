/** The participant's name and id, remembered on this device (never sent to the store). */
const NAME_KEY = 'boxes:name'
const USER_ID_KEY = 'boxes:user-id'

export function readLocalName(): string {
  return localStorage.getItem(NAME_KEY) ?? ''
}

export function saveLocalName(name: string): void {
  localStorage.setItem(NAME_KEY, name.trim())
}

export function localUserId(): string {
  let id = localStorage.getItem(USER_ID_KEY)
  if (!id) {
    id = crypto.randomUUID()
    localStorage.setItem(USER_ID_KEY, id)
  }
  return id
}
