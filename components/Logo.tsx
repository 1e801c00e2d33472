/** The product mark: two boxes joined by an arrow. */
export function Logo() {
  return (
    <svg className="logo" viewBox="0 0 28 28" aria-hidden="true">
      <rect x="1.5" y="3.5" width="10" height="9" rx="2" fill="none" stroke="#3b5bdb" strokeWidth="2" />
      <rect x="16.5" y="15.5" width="10" height="9" rx="2" fill="#3b5bdb" />
      <path d="M7 13.5v6h6.5" fill="none" stroke="#3b5bdb" strokeWidth="2" strokeLinecap="round" />
      <path d="M12 17l2.5 2.5L12 22" fill="none" stroke="#3b5bdb" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}
