import { isDeepStrictEqual } from 'node:util';

/*
 * A three-way merge of JSON documents: what one replica changed since the document it last read (`base` →
 * `ours`) applied to the document another replica wrote meanwhile (`theirs`). The shared state
 * (redis/shared-state.ts) uses it when its compare-and-set loses: its edit is re-applied to the fresh
 * document instead of being dropped.
 *
 * - A value only one side changed takes that side's value; both changed one value: ours (the edit re-applied wins).
 * - Objects merge key by key (a key removed on one side and untouched on the other is removed).
 * - Arrays merge element by element, an element known by its identity (`sub`, `kid`, `clientId`, … when every
 *   element has a distinct one, the leading entries of a `[key, …, value]` tuple, else its JSON): elements one
 *   side removed are removed, the other side's additions kept; ours are placed after the element they follow in ours.
 */

type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields that name an element of the state's arrays, most specific first (brute-force counts: a user at an address). */
const IDENTITY_FIELDS: ReadonlyArray<readonly string[]> = [['sub', 'ip'], ['sub'], ['kid'], ['clientId'], ['identifier'], ['id'], ['ticketId'], ['name'], ['user']];

export function mergeChanges<T>(base: T, ours: T, theirs: T): T {
  return merge(base, ours, theirs) as T;
}

function merge(base: Json, ours: Json, theirs: Json): Json {
  if (isDeepStrictEqual(ours, base)) return theirs;
  if (isDeepStrictEqual(theirs, base) || isDeepStrictEqual(ours, theirs)) return ours;
  if (Array.isArray(ours) && Array.isArray(theirs)) return mergeArrays(Array.isArray(base) ? base : [], ours, theirs);
  if (isObject(ours) && isObject(theirs)) return mergeObjects(isObject(base) ? base : {}, ours, theirs);
  return ours;
}

function mergeObjects(base: Record<string, Json>, ours: Record<string, Json>, theirs: Record<string, Json>): Record<string, Json> {
  const merged: Record<string, Json> = {};
  for (const key of new Set([...Object.keys(theirs), ...Object.keys(ours), ...Object.keys(base)])) {
    const value = merge(base[key], ours[key], theirs[key]);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/** How the elements of these arrays are told apart: the first identity every element has, distinct in each array. */
function identityOf(arrays: Json[][]): (element: Json) => string {
  const all = arrays.flat();
  const distinct = (id: (element: Json) => string | undefined) =>
    all.every((e) => id(e) !== undefined) && arrays.every((array) => new Set(array.map(id)).size === array.length);
  for (const fields of IDENTITY_FIELDS) {
    const id = (e: Json) => (isObject(e) && fields.every((f) => typeof e[f] === 'string') ? JSON.stringify(fields.map((f) => e[f])) : undefined);
    if (all.length > 0 && distinct(id)) return id as (element: Json) => string;
  }
  const leading = (e: Json) => (Array.isArray(e) && e.length >= 2 ? JSON.stringify(e.slice(0, -1)) : undefined);
  if (all.length > 0 && distinct(leading)) return leading as (element: Json) => string;
  return (e) => JSON.stringify(e);
}

function mergeArrays(base: Json[], ours: Json[], theirs: Json[]): Json[] {
  const id = identityOf([base, ours, theirs]);
  const inBase = new Map(base.map((e) => [id(e), e]));
  const inOurs = new Map(ours.map((e) => [id(e), e]));
  const merged: Array<[string, Json]> = [];
  for (const element of theirs) {
    const key = id(element);
    // Removed by this replica (changed by the other or not): removed.
    if (inBase.has(key) && !inOurs.has(key)) continue;
    merged.push([key, inOurs.has(key) ? merge(inBase.get(key), inOurs.get(key), element) : element]);
  }
  const placed = new Set(merged.map(([key]) => key));
  let after: string | undefined;
  for (const element of ours) {
    const key = id(element);
    // Added by this replica (an element in base that the other removed stays removed).
    if (!inBase.has(key) && !placed.has(key)) {
      const at = after === undefined ? 0 : merged.findIndex(([k]) => k === after) + 1;
      merged.splice(at, 0, [key, element]);
      placed.add(key);
    }
    if (placed.has(key)) after = key;
  }
  return merged.map(([, element]) => element);
}
