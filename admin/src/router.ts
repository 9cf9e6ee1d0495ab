import { useEffect, useState } from 'preact/hooks';

/** Pages live in the URL's fragment (`#/users/42`), so the server serves one page for all. */
export function useRoute(): string[] {
  const read = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((part) => decodeURIComponent(part));
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const onChange = () => setParts(read());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export const href = (...parts: (string | number)[]): string => `#/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
