/** The mamori mark (an inline SVG: no external assets under the CSP). */
export function BrandMark({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="brand-mark">
      <rect width="32" height="32" rx="7" fill="currentColor" />
      <path d="M16 6.5 8 9.6v6.1c0 5 3.4 8.6 8 9.8 4.6-1.2 8-4.8 8-9.8V9.6L16 6.5Z" fill="#fff" opacity=".95" />
      <path d="m12.2 16.1 2.7 2.7 5-5.2" fill="none" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
