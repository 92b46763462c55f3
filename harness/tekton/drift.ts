// Does an object as applied still say what this checkout's manifest says? What `kubectl diff`
// shows, read without a write: every field the manifest sets must have that value live. Fields
// the server or a controller added (defaults, status, managedFields) are not drift; a field set
// to its empty value ("" / [] / {} / false) matches an absent one (the API server drops omitempty
// fields). Of metadata only labels and annotations are the manifest's. Pure.

export type Drift = { object: string; state: 'in sync' | 'missing' | 'differs'; paths: string[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/** JSON paths (`spec.steps[0].image`) where `live` does not carry what `want` sets. */
export function driftPaths(want: unknown, live: unknown, path = ''): string[] {
  if (isEmpty(want) && isEmpty(live)) return [];
  if (isObject(want)) {
    if (!isObject(live)) return [path || '(root)'];
    return Object.keys(want).flatMap((k) => driftPaths(want[k], live[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(live) || live.length !== want.length) return [path];
    return want.flatMap((w, i) => driftPaths(w, live[i], `${path}[${i}]`));
  }
  // 1 and "1" are one value to the API server's quantity and int-or-string fields
  return want !== undefined && live !== undefined && String(want) === String(live) ? [] : [path];
}

/** The drift of one object: `live` undefined when the server does not have it. */
export function objectDrift(object: string, want: Record<string, unknown>, live: Record<string, unknown> | undefined): Drift {
  if (!live) return { object, state: 'missing', paths: [] };
  const { metadata, status: _status, ...rest } = want;
  const meta = isObject(metadata) ? { labels: metadata.labels, annotations: metadata.annotations } : {};
  const paths = [...driftPaths(meta, isObject(live.metadata) ? live.metadata : {}, 'metadata'), ...driftPaths(rest, live)];
  return { object, state: paths.length ? 'differs' : 'in sync', paths };
}
