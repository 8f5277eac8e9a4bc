/**
 * The columns a repository selects, one list per row type, next to the
 * mapper that reads them. `select *` read every column of a table, used or
 * not, and better-sqlite3's cost is about the values it returns (about
 * 0.6 µs each): a list names what the mapper reads and nothing else. The
 * compiler holds a list to its row type: naming a field the row type lacks,
 * or leaving one of its fields out, does not compile, so a field added to the
 * row type (for a mapper to read) cannot be forgotten in the statement.
 */

/** `guest_stay.stay_id` names the row field `stay_id`. */
type FieldOf<C extends string> = C extends `${string}.${infer F}` ? FieldOf<F> : C;

/** Every field of `Row`, each as `column` or `table.column`. */
export function columnsOf<Row>() {
  return <const C extends readonly (`${string}.${keyof Row & string}` | (keyof Row & string))[]>(columns: C & ([Exclude<keyof Row, FieldOf<C[number]>>] extends [never] ? unknown : { missing: Exclude<keyof Row, FieldOf<C[number]>> })): C => columns;
}
