// Line icons drawn for the activity bar and toolbars (24px grid, stroke = currentColor).
import type { ReactElement } from "react";

const paths: Record<string, ReactElement> = {
  libraries: (
    <>
      <path d="M4 4h4v16H4zM10 4h4v16h-4z" />
      <path d="M16.5 4.8l3.8-1 4 15.5-3.8 1z" transform="translate(-2 0)" />
    </>
  ),
  manifests: (
    <>
      <path d="M6 3h8l5 5v13H6z" />
      <path d="M14 3v5h5M9 13h7M9 17h5" />
    </>
  ),
  notebook: (
    <>
      <rect x="4" y="3" width="16" height="18" rx="1" />
      <path d="M8 8h8M8 12h8M8 16h5" />
    </>
  ),
  workers: (
    <>
      <rect x="3" y="4" width="18" height="6" rx="1" />
      <rect x="3" y="14" width="18" height="6" rx="1" />
      <path d="M7 7h.01M7 17h.01" />
    </>
  ),
  console: (
    <>
      <rect x="3" y="4" width="18" height="16" rx="1" />
      <path d="M7 9l3 3-3 3M12 15h5" />
    </>
  ),
  training: (
    <>
      <path d="M3 20h18" />
      <path d="M4 16l5-6 4 3 7-8" />
    </>
  ),
  run: <path d="M7 5l12 7-12 7z" fill="currentColor" stroke="none" />,
  runAll: (
    <>
      <path d="M4 5l8 7-8 7z" fill="currentColor" stroke="none" />
      <path d="M12 5l8 7-8 7z" fill="currentColor" stroke="none" />
    </>
  ),
  stop: <rect x="6" y="6" width="12" height="12" fill="currentColor" stroke="none" />,
  restart: (
    <>
      <path d="M4 12a8 8 0 1 0 3-6.2" />
      <path d="M4 4v5h5" />
    </>
  ),
  save: (
    <>
      <path d="M5 4h11l3 3v13H5z" />
      <path d="M8 4v5h7V4M8 20v-6h8v6" />
    </>
  ),
  plus: <path d="M12 5v14M5 12h14" />,
  trash: (
    <>
      <path d="M5 7h14M10 7V4h4v3M7 7l1 13h8l1-13" />
    </>
  ),
  up: <path d="M12 19V5M6 11l6-6 6 6" />,
  down: <path d="M12 5v14M6 13l6 6 6-6" />,
  refresh: (
    <>
      <path d="M20 12a8 8 0 1 1-3-6.2" />
      <path d="M20 4v5h-5" />
    </>
  ),
  generate: (
    <>
      <path d="M13 3L5 14h6l-1 7 8-11h-6z" />
    </>
  ),
  diff: (
    <>
      <path d="M8 4v16M16 4v16M5 8h6M13 16h6M16 13v6" />
    </>
  ),
  search: (
    <>
      <circle cx="11" cy="11" r="6" />
      <path d="M20 20l-4.5-4.5" />
    </>
  ),
  python: (
    <path d="M12 3c-4 0-4 2-4 3v2h4v1H6c-2 0-3 1.5-3 4s1 4 3 4h2v-3c0-1.5 1-2.5 2.5-2.5h4c1.5 0 2.5-1 2.5-2.5V6c0-1.5-1.5-3-5-3zM10 5.5h.01M12 21c4 0 4-2 4-3v-2h-4v-1h6c2 0 3-1.5 3-4s-1-4-3-4h-2v3c0 1.5-1 2.5-2.5 2.5h-4C8 12.5 7 13.5 7 15v3c0 1.5 1.5 3 5 3zM14 18.5h.01" />
  ),
  typescript: (
    <>
      <rect x="3" y="3" width="18" height="18" rx="2" />
      <path d="M7 11h6M10 11v7M19 12c-1-1-4-1-4 1s4 1 4 3-3 2-4 1" />
    </>
  ),
  chevronRight: <path d="M9 6l6 6-6 6" />,
  chevronDown: <path d="M6 9l6 6 6-6" />,
  kill: (
    <>
      <circle cx="12" cy="12" r="8" />
      <path d="M9 9l6 6M15 9l-6 6" />
    </>
  ),
  file: (
    <>
      <path d="M6 3h8l5 5v13H6z" />
      <path d="M14 3v5h5" />
    </>
  ),
  open: (
    <>
      <path d="M3 6h6l2 2h10v11H3z" />
    </>
  ),
};

export type IconName = keyof typeof paths;

export function Icon({ name, title }: { name: IconName; title?: string }): ReactElement {
  return (
    <svg
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={title ? undefined : true}
    >
      {title ? <title>{title}</title> : null}
      {paths[name]}
    </svg>
  );
}
