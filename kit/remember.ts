/**
 * Keeps what a pure reading of a key gave (a time's ISO text, a date's
 * midnight), so the hot paths that read the same silo texts on every request
 * work each out once. A table that reaches its bound starts again: no
 * bookkeeping per read, and memory stays bounded however many keys pass.
 */
export function remember<K, V>(readings: Map<K, V>, key: K, value: V, most: number): V {
  if (readings.size >= most) readings.clear();
  readings.set(key, value);
  return value;
}
